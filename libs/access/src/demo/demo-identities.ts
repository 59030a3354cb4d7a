import { AccessError } from '../access.errors';
import type { IdentityServices } from '../access.services';
import { ALL_ROLES, type Realm, type Role, roleBelongsTo } from '../realm';
import { type Actor } from '../identity/user.types';

/** Fixed so a restarted development stack finds its demo clinic again. */
export const DEMO_CLINIC_ID = '6f1c8a2e-4b7d-4c3e-9a51-0d2e7b9c4f10';
const DEMO_ACTOR: Actor = { realm: 'cli', role: 'engineer', purpose: 'demo_seed' };

export interface DemoCredential {
  readonly realm: Realm;
  readonly role: Role;
  readonly email: string;
  readonly userId: string;
  /** Present when a new one-time password was set; undefined if the user already finished sign-up. */
  readonly oneTimePassword?: string;
}

export interface DemoIdentities {
  readonly clinicId: string;
  readonly credentials: readonly DemoCredential[];
}

/**
 * The embedded default's demo clinic and one user per role, with one-time passwords for printing
 * (each must be changed at first sign-in, after enrolling TOTP). Refused in production. Idempotent:
 * users that already completed sign-up keep their credentials; untouched ones get a fresh password.
 */
export async function seedDemoIdentities(services: IdentityServices): Promise<DemoIdentities> {
  if (services.config.production) throw new AccessError('ACCESS.DEMO_REFUSED');
  await services.users.createClinic('Demo Clinic', DEMO_ACTOR, DEMO_CLINIC_ID);
  const credentials: DemoCredential[] = [];
  for (const role of ALL_ROLES) {
    const realm: Realm = roleBelongsTo(role, 'clinic') ? 'clinic' : 'backoffice';
    const email = `${role.replace(/_/g, '.')}@demo.ortholedger.test`;
    const existing = await services.users.findId(realm, email);
    if (!existing) {
      const created = await services.users.createUser({ realm, role, email, clinicId: realm === 'clinic' ? DEMO_CLINIC_ID : undefined }, DEMO_ACTOR);
      credentials.push({ realm, role, email, userId: created.user.id, oneTimePassword: created.oneTimePassword });
      continue;
    }
    const view = await services.users.get(existing);
    if (view.passwordChangeRequired && !view.mfaEnrolled) {
      const reset = await services.users.resetPassword(existing, DEMO_ACTOR);
      credentials.push({ realm, role, email, userId: existing, oneTimePassword: reset.oneTimePassword });
    } else {
      credentials.push({ realm, role, email, userId: existing });
    }
  }
  return { clinicId: DEMO_CLINIC_ID, credentials };
}

/** The lines `npm start` prints (stdout only, never the log). */
export function formatDemoIdentities(demo: DemoIdentities): string {
  const rows = demo.credentials.map((c) => `  ${c.realm.padEnd(10)} ${c.role.padEnd(18)} ${c.email.padEnd(44)} ${c.oneTimePassword ?? '(already set up)'}`);
  return [`Demo clinic ${demo.clinicId}. One-time passwords (change at first sign-in, then enrol TOTP):`, ...rows].join('\n');
}
