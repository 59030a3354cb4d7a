import { Controller, Get, Inject, Module, Param, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authorize, base32Decode, createIdentityServices, Public, totpAt } from '@ortholedger/access';
import { createHttpApp, createLogger, DATABASE_POOLS, type DatabasePools, loadConfig, type Runtime } from '@ortholedger/platform';
import { ClinicApiModule } from '../../apps/clinic-api/src/clinic-api.module';
import type { BenchDatabase } from '../harness/bench.types';

/**
 * One indexed SELECT behind the full access stack (JWT, live session, policy with the projected
 * care-team lookup, audit row) and the same SELECT behind nothing: the access and workflow
 * benches' reference reads.
 */
@Controller('bench')
class BenchReadController {
  constructor(@Inject(DATABASE_POOLS) private readonly pools: DatabasePools) {}

  private async load(patientId: string) {
    const { rows } = await this.pools.app.query({
      name: 'bench_read_patient_clinic',
      text: 'select patient_id, clinic_id from access.patient_clinics where patient_id = $1',
      values: [patientId],
    });
    return rows[0];
  }

  @Authorize('patient', 'read_demographics', { patientIdFrom: { param: 'patientId' } })
  @Get('protected/:patientId')
  protectedRead(@Param('patientId') patientId: string) {
    return this.load(patientId);
  }

  @Public()
  @Get('open/:patientId')
  openRead(@Param('patientId') patientId: string) {
    return this.load(patientId);
  }
}

export interface ClinicBenchApp {
  app: NestFastifyApplication;
  /** A signed-in orthodontist (password changed, TOTP verified). */
  token: string;
  /** Patients registered through `POST /patients` (events, projections), on the orthodontist's care team. */
  patients: { patientId: string; caseId?: string }[];
  close(): Promise<void>;
}

export interface ClinicBenchOptions {
  patients: number;
  /** Record treatment consent and open a case for each patient. */
  cases?: boolean;
}

/** The real clinic API plus the bench routes, a signed-in orthodontist and patients registered through the command side. */
export async function clinicBenchApp(db: BenchDatabase, options: ClinicBenchOptions): Promise<ClinicBenchApp> {
  const config = loadConfig({ DATA_DIR: `/tmp/ortholedger-bench-${db.name}`, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const runtime: Runtime = { config, databaseUrl: db.url, embedded: false, ownerLogin: true, pools: db.pools, stop: async () => undefined };
  const logger = createLogger('silent');
  const wrap = (inner: DynamicModule): Type => {
    @Module({ imports: [inner], controllers: [BenchReadController] })
    class BenchRoot {}
    return BenchRoot;
  };
  const app = await createHttpApp(wrap(ClinicApiModule.forRoot(runtime, logger)), { logger });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const token = await signIn(app, runtime);
    const headers = { authorization: `Bearer ${token}` };
    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, headers, payload });
      if (res.statusCode !== 201) throw new Error(`bench setup ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const patients: ClinicBenchApp['patients'] = [];
    for (let i = 0; i < options.patients; i++) {
      const { patientId } = await post('/patients', {
        name: { given: `Bench${i}`, family: 'Patient' }, dateOfBirth: '2010-01-01', contact: {}, chartNumber: `BENCH-${i}`,
      });
      if (!options.cases) {
        patients.push({ patientId });
        continue;
      }
      await post(`/patients/${patientId}/consents`, {
        consentType: 'treatment', formVersion: 'TX-1', status: 'granted', givenBy: 'patient', recordedAt: new Date(Date.now() - 60_000).toISOString(),
      });
      const { caseId } = await post(`/patients/${patientId}/cases`, { arches: 'both' });
      patients.push({ patientId, caseId });
    }
    return { app, token, patients, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}

async function signIn(app: NestFastifyApplication, runtime: Runtime): Promise<string> {
  const identity = await createIdentityServices(runtime);
  const engineer = { realm: 'cli', role: 'engineer' };
  const clinicId = await identity.users.createClinic('Bench Clinic', engineer);
  const email = `bench.ortho.${crypto.randomUUID()}@example.test`;
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
  return changed.json().accessToken;
}
