import { DomainError } from './domain-error';
import { isUuid } from './streams';
import { isIsoTimestamp } from './validation';

export const CLINIC_ROLES = ['orthodontist', 'dentist', 'clinic_staff'] as const;
export const BACK_OFFICE_ROLES = [
  'case_coordinator',
  'treatment_planner',
  'support',
  'compliance_officer',
  'platform_admin',
] as const;
export const ROLES = [...CLINIC_ROLES, ...BACK_OFFICE_ROLES] as const;

export type ClinicRole = (typeof CLINIC_ROLES)[number];
export type BackOfficeRole = (typeof BACK_OFFICE_ROLES)[number];
export type Role = ClinicRole | BackOfficeRole;

/** Clinic-realm actors belong to exactly one clinic; back-office actors to none. */
export interface Actor {
  userId: string;
  role: Role;
  clinicId?: string;
}

/** Everything impure a decision needs arrives here: who acts, and when. */
export interface CommandContext {
  actor: Actor;
  /** ISO-8601 timestamp chosen by the caller's clock. */
  now: string;
}

export const isClinicRole = (role: Role): role is ClinicRole => (CLINIC_ROLES as readonly string[]).includes(role);

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** A malformed context is a wiring bug, not user input; refuse it before anything else. */
export function assertContext(ctx: CommandContext): void {
  const { actor, now } = ctx ?? ({} as CommandContext);
  if (!actor || !isUuid(actor.userId) || !isRole(actor.role)) {
    throw new DomainError('VALIDATION.INVALID_CONTEXT', 'command context has no valid actor');
  }
  if (isClinicRole(actor.role) && !isUuid(actor.clinicId)) {
    throw new DomainError('VALIDATION.INVALID_CONTEXT', 'clinic actor without a clinic id');
  }
  if (!isIsoTimestamp(now)) {
    throw new DomainError('VALIDATION.INVALID_CONTEXT', 'command context has no valid time');
  }
}

export function requireRole(ctx: CommandContext, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(ctx.actor.role)) {
    throw new DomainError('ACCESS.ROLE_NOT_ALLOWED', `role ${ctx.actor.role} may not ${action}`);
  }
}

/** Clinic-realm actors only ever act on their own clinic's records. */
export function requireSameClinic(ctx: CommandContext, clinicId: string): void {
  if (isClinicRole(ctx.actor.role) && ctx.actor.clinicId !== clinicId) {
    throw new DomainError('ACCESS.CLINIC_MISMATCH', 'actor belongs to another clinic');
  }
}
