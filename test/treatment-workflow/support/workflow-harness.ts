import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { base32Decode, createIdentityServices, type IdentityServices, ManualClock, PostgresCareTeamDirectory, type Role, totpAt } from '@ortholedger/access';
import type { EventStore } from '@ortholedger/event-store';
import { type CommandEnvelope, createEnvelope, createHttpApp, RAW_EVENT_STORE } from '@ortholedger/platform';
import { ProjectedCareTeamDirectory } from '@ortholedger/read-models';
import { ClinicApiModule } from '../../../apps/clinic-api/src/clinic-api.module';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { captureLogger, testRuntime } from '../../support/test-runtime';

export interface Clinician {
  id: string;
  role: Role;
  clinicId?: string;
  token: string;
}

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/**
 * The real clinic API (access guard, audit, encrypted store, CQRS) on a fresh test database, with
 * signed-in users and the CommandBus for back-office fixtures (plan proposals, shipments).
 */
export class WorkflowHarness {
  app!: NestFastifyApplication;
  identity!: IdentityServices;
  readonly clock = new ManualClock(Date.now());
  readonly log = captureLogger();
  private constructor(readonly db: TestDatabase) {}

  /**
   * `careTeamHeadsThroughPort`: the access check reads each patient's newest event through the event
   * store port, as on EventStoreDB, instead of in its SQL statement (here over the Postgres adapter).
   */
  static async start(options: { careTeamHeadsThroughPort?: boolean } = {}): Promise<WorkflowHarness> {
    const h = new WorkflowHarness(await createTestDatabase());
    const runtime = testRuntime(h.db);
    const access = {
      clock: h.clock,
      env: { ACCESS_TOKEN_TTL_SECONDS: '900' },
      ...(options.careTeamHeadsThroughPort
        ? {
            careTeamFrom: {
              inject: [RAW_EVENT_STORE],
              useFactory: (raw: EventStore) =>
                new ProjectedCareTeamDirectory(h.db.pools.app, { interim: new PostgresCareTeamDirectory(h.db.pools.app), streamHeads: raw }),
            },
          }
        : {}),
    };
    h.app = await createHttpApp(ClinicApiModule.forRoot(runtime, h.log.logger, access), { logger: h.log.logger });
    await h.app.init();
    await h.app.getHttpAdapter().getInstance().ready();
    h.identity = await createIdentityServices(runtime, access);
    return h;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.db.drop();
  }

  clinic(name = 'Clinic'): Promise<string> {
    return this.identity.users.createClinic(name, { realm: 'cli', role: 'engineer' });
  }

  /** A clinic user, signed in with password, TOTP enrolment and a changed password. */
  async user(role: Role, clinicId: string): Promise<Clinician> {
    const email = `${role}.${randomUUID().slice(0, 8)}@example.test`;
    const engineer = { realm: 'cli', role: 'engineer' } as const;
    const { user, oneTimePassword } = await this.identity.users.createUser({ realm: 'clinic', role, email, clinicId }, engineer);
    const login = await this.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: oneTimePassword } });
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode}`);
    const challenge = { authorization: `Bearer ${login.json().challengeToken}` };
    const enrol = await this.app.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: challenge });
    const seed = base32Decode(new URL(enrol.json().otpauthUri).searchParams.get('secret')!);
    const verify = await this.app.inject({ method: 'POST', url: '/auth/mfa/verify', headers: challenge, payload: { code: totpAt(seed, this.clock.now()) } });
    if (verify.statusCode !== 200) throw new Error(`mfa failed: ${verify.statusCode}`);
    const changed = await this.app.inject({
      method: 'POST', url: '/auth/password', headers: { authorization: `Bearer ${verify.json().accessToken}` },
      payload: { currentPassword: oneTimePassword, newPassword: `pw-${randomUUID()}-${randomUUID()}` },
    });
    if (changed.statusCode !== 200) throw new Error(`password change failed: ${changed.statusCode}`);
    return { id: user.id, role, clinicId, token: changed.json().accessToken };
  }

  async call(who: Clinician, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await this.app.inject({
      method, url, headers: { authorization: `Bearer ${who.token}`, ...headers },
      ...(payload === undefined ? {} : typeof payload === 'string' ? { payload, headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json', ...headers } } : { payload: payload as object }),
    });
    let body: unknown;
    try {
      body = res.body ? res.json() : undefined;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers };
  }

  /** A back-office actor's envelope for commands dispatched on the bus (no admin route yet). */
  backOffice(role: 'treatment_planner' | 'case_coordinator', userId: string = randomUUID(), idempotencyKey?: string): CommandEnvelope {
    return createEnvelope({ ctx: { actor: { userId, role }, now: this.clock.now().toISOString() }, correlationId: randomUUID(), idempotencyKey });
  }

  get commands(): CommandBus {
    return this.app.get(CommandBus);
  }

  async eventCount(): Promise<number> {
    const { rows } = await this.db.pools.owner.query<{ n: string }>('select count(*)::text as n from eventstore.events');
    return Number(rows[0].n);
  }

  async auditRows(where = 'true', params: unknown[] = []): Promise<Record<string, any>[]> {
    const { rows } = await this.db.pools.owner.query(`select * from access.audit_events where ${where} order by seq`, params);
    return rows;
  }
}
