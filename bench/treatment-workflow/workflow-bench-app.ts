import { Controller, Get, Inject, Module, Param, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authorize, base32Decode, createIdentityServices, totpAt } from '@ortholedger/access';
import { createHttpApp, createLogger, DATABASE_POOLS, type DatabasePools, loadConfig, type Runtime } from '@ortholedger/platform';
import { ClinicApiModule } from '../../apps/clinic-api/src/clinic-api.module';
import type { BenchDatabase } from '../harness/bench.types';

/** The access bench's protected no-op read: JWT + session + policy with care-team lookup + audit row + one indexed SELECT. */
@Controller('bench')
class ProtectedNoopReadController {
  constructor(@Inject(DATABASE_POOLS) private readonly pools: DatabasePools) {}

  @Authorize('patient', 'read_demographics', { patientIdFrom: { param: 'patientId' } })
  @Get('protected/:patientId')
  async read(@Param('patientId') patientId: string) {
    const { rows } = await this.pools.app.query('select patient_id, clinic_id from access.patient_clinics where patient_id = $1', [patientId]);
    return rows[0];
  }
}

export interface WorkflowBenchApp {
  app: NestFastifyApplication;
  token: string;
  cases: { patientId: string; caseId: string }[];
  close(): Promise<void>;
}

/** The real clinic API plus the baseline route, a signed-in orthodontist and `caseCount` open cases of theirs. */
export async function workflowBenchApp(db: BenchDatabase, caseCount: number): Promise<WorkflowBenchApp> {
  const config = loadConfig({ DATA_DIR: `/tmp/ortholedger-bench-${db.name}`, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const runtime: Runtime = { config, databaseUrl: db.url, embedded: false, pools: db.pools, stop: async () => undefined };
  const logger = createLogger('silent');
  const wrap = (inner: DynamicModule): Type => {
    @Module({ imports: [inner], controllers: [ProtectedNoopReadController] })
    class BenchRoot {}
    return BenchRoot;
  };
  const app = await createHttpApp(wrap(ClinicApiModule.forRoot(runtime, logger)), { logger });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const identity = await createIdentityServices(runtime);
  const engineer = { realm: 'cli', role: 'engineer' };
  const clinicId = await identity.users.createClinic('Bench Clinic', engineer);
  const email = 'bench.workflow.ortho@example.test';
  const { oneTimePassword } = await identity.users.createUser({ realm: 'clinic', role: 'orthodontist', email, clinicId }, engineer);
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: oneTimePassword } });
  const challenge = { authorization: `Bearer ${login.json().challengeToken}` };
  const enrol = await app.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: challenge });
  const seed = base32Decode(new URL(enrol.json().otpauthUri).searchParams.get('secret')!);
  const verified = await app.inject({ method: 'POST', url: '/auth/mfa/verify', headers: challenge, payload: { code: totpAt(seed, new Date()) } });
  const changed = await app.inject({
    method: 'POST', url: '/auth/password', headers: { authorization: `Bearer ${verified.json().accessToken}` },
    payload: { currentPassword: oneTimePassword, newPassword: 'bench passphrase that is long enough' },
  });
  if (changed.statusCode !== 200) throw new Error(`bench sign-in failed: ${changed.statusCode}`);
  const token: string = changed.json().accessToken;
  const headers = { authorization: `Bearer ${token}` };

  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers, payload });
    if (res.statusCode !== 201) throw new Error(`bench setup ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const cases: WorkflowBenchApp['cases'] = [];
  for (let i = 0; i < caseCount; i++) {
    const { patientId } = await post('/patients', {
      name: { given: `Bench${i}`, family: 'Patient' }, dateOfBirth: '2010-01-01', contact: {}, chartNumber: `BENCH-${i}`,
    });
    await post(`/patients/${patientId}/consents`, {
      consentType: 'treatment', formVersion: 'TX-1', status: 'granted', givenBy: 'patient', recordedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const { caseId } = await post(`/patients/${patientId}/cases`, { arches: 'both' });
    cases.push({ patientId, caseId });
  }
  return { app, token, cases, close: () => app.close() };
}
