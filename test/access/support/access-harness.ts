import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import {
  type AccessServicesOptions, base32Decode, createIdentityServices, type IdentityServices, ManualClock,
  PostgresCareTeamDirectory, type Realm, type Role, totpAt,
} from '@ortholedger/access';
import { createHttpApp } from '@ortholedger/platform';
import { ClinicApiModule } from '../../../apps/clinic-api/src/clinic-api.module';
import { AdminApiModule } from '../../../apps/admin-api/src/admin-api.module';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { captureLogger, testRuntime } from '../../support/test-runtime';

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  /** Extra controllers mounted in both apps (probe routes for PHI-like reads). */
  controllers?: Type[];
}

export interface TestUser {
  id: string;
  realm: Realm;
  role: Role;
  email: string;
  password: string;
  clinicId?: string;
  /** Base32 TOTP seed, once enrolled. */
  totpSecret?: string;
  recoveryCodes?: string[];
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

/** Both real apps on one test database, sharing a ManualClock and a captured logger. */
export class AccessHarness {
  clinic!: NestFastifyApplication;
  admin!: NestFastifyApplication;
  identity!: IdentityServices;
  careTeam!: PostgresCareTeamDirectory;
  readonly clock: ManualClock;
  readonly log = captureLogger();
  private constructor(readonly db: TestDatabase, private readonly options: HarnessOptions) {
    this.clock = options.clock ?? new ManualClock(Date.now());
  }

  static async start(options: HarnessOptions = {}): Promise<AccessHarness> {
    const harness = new AccessHarness(await createTestDatabase(), options);
    await harness.boot();
    return harness;
  }

  private accessOptions(): AccessServicesOptions {
    return { clock: this.clock, env: this.options.env ?? {} };
  }

  private async boot(): Promise<void> {
    const runtime = testRuntime(this.db);
    const logger: Logger = this.log.logger;
    const controllers = this.options.controllers ?? [];
    const wrap = (inner: DynamicModule): Type => {
      @Module({ imports: [inner], controllers })
      class TestRoot {}
      return TestRoot;
    };
    this.clinic = await createHttpApp(wrap(ClinicApiModule.forRoot(runtime, logger, this.accessOptions())), { logger });
    this.admin = await createHttpApp(wrap(AdminApiModule.forRoot(runtime, logger, this.accessOptions())), { logger });
    for (const app of [this.clinic, this.admin]) {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
    this.identity = await createIdentityServices(runtime, this.accessOptions());
    this.careTeam = new PostgresCareTeamDirectory(this.db.pools.app);
  }

  app(realm: Realm): NestFastifyApplication {
    return realm === 'clinic' ? this.clinic : this.admin;
  }

  async stop(): Promise<void> {
    await this.clinic?.close();
    await this.admin?.close();
    await this.db.drop();
  }

  async clinicId(name = 'Test Clinic'): Promise<string> {
    return this.identity.users.createClinic(name, { realm: 'cli', role: 'engineer' });
  }

  async createUser(realm: Realm, role: Role, clinicId?: string): Promise<TestUser> {
    const email = `${role}.${Math.random().toString(36).slice(2, 10)}@example.test`;
    const { user, oneTimePassword } = await this.identity.users.createUser({ realm, role, email, clinicId }, { realm: 'cli', role: 'engineer' });
    return { id: user.id, realm, role, email, password: oneTimePassword, clinicId };
  }

  /** Password, then TOTP enrolment on first use; returns a full session. Moves the clock one TOTP step. */
  async signIn(user: TestUser, options: { ip?: string; changePassword?: boolean } = {}): Promise<SignedIn> {
    const app = this.app(user.realm);
    const ip = options.ip ?? '10.0.0.1';
    const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: ip });
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
    const { challengeToken, mfa } = login.json();
    const auth = { authorization: `Bearer ${challengeToken}` };
    if (mfa === 'enrolment_required') {
      const enrol = await app.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: auth, remoteAddress: ip });
      if (enrol.statusCode !== 200) throw new Error(`enrol failed: ${enrol.statusCode} ${enrol.body}`);
      user.totpSecret = new URL(enrol.json().otpauthUri).searchParams.get('secret') ?? undefined;
      user.recoveryCodes = enrol.json().recoveryCodes;
    }
    this.clock.advance(30_000); // a fresh TOTP step for every sign-in of the same user
    const code = totpAt(base32Decode(user.totpSecret!), this.clock.now());
    const verify = await app.inject({ method: 'POST', url: '/auth/mfa/verify', headers: auth, payload: { code }, remoteAddress: ip });
    if (verify.statusCode !== 200) throw new Error(`mfa failed: ${verify.statusCode} ${verify.body}`);
    let tokens = verify.json();
    if (options.changePassword !== false) {
      const next = `pw-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
      const changed = await app.inject({
        method: 'POST', url: '/auth/password', headers: { authorization: `Bearer ${tokens.accessToken}` },
        payload: { currentPassword: user.password, newPassword: next }, remoteAddress: ip,
      });
      if (changed.statusCode === 200) {
        user.password = next;
        tokens = changed.json();
      } else if (changed.statusCode !== 422) {
        throw new Error(`password change failed: ${changed.statusCode} ${changed.body}`);
      }
    }
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, sessionId: tokens.sessionId };
  }

  /** A patient of `clinicId` with the given care team (interim directory tables). */
  async patient(clinicId: string, careTeam: string[] = []): Promise<string> {
    const id = crypto.randomUUID();
    await this.careTeam.setPatientClinic(id, clinicId);
    for (const member of careTeam) await this.careTeam.addMember(id, member);
    return id;
  }

  async auditRows(where = 'true', params: unknown[] = []): Promise<Record<string, any>[]> {
    const { rows } = await this.db.pools.owner.query(`select * from access.audit_events where ${where} order by seq`, params);
    return rows;
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
