import { Controller, Get, Inject, Module, Param, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  Authorize, base32Decode, createIdentityServices, PostgresCareTeamDirectory, Public, totpAt,
} from '@ortholedger/access';
import { createHttpApp, createLogger, DATABASE_POOLS, type DatabasePools, loadConfig, type Runtime } from '@ortholedger/platform';
import { ClinicApiModule } from '../../apps/clinic-api/src/clinic-api.module';
import type { BenchDatabase } from '../harness/bench.types';

/** The same read behind the full access stack and behind nothing. */
@Controller('bench')
class BenchReadController {
  constructor(@Inject(DATABASE_POOLS) private readonly pools: DatabasePools) {}

  private async load(patientId: string) {
    const { rows } = await this.pools.app.query('select patient_id, clinic_id from access.patient_clinics where patient_id = $1', [patientId]);
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

export interface AuthzBenchApp {
  app: NestFastifyApplication;
  accessToken: string;
  patientId: string;
  close(): Promise<void>;
}

/** The real clinic API plus the bench routes, a signed-in orthodontist and a patient on their care team. */
export async function authzBenchApp(db: BenchDatabase): Promise<AuthzBenchApp> {
  const config = loadConfig({ DATA_DIR: `/tmp/ortholedger-bench-${db.name}`, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const runtime: Runtime = { config, databaseUrl: db.url, embedded: false, pools: db.pools, stop: async () => undefined };
  const logger = createLogger('silent');
  const wrap = (inner: DynamicModule): Type => {
    @Module({ imports: [inner], controllers: [BenchReadController] })
    class BenchRoot {}
    return BenchRoot;
  };
  const app = await createHttpApp(wrap(ClinicApiModule.forRoot(runtime, logger)), { logger });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const identity = await createIdentityServices(runtime);
  const engineer = { realm: 'cli', role: 'engineer' };
  const clinicId = await identity.users.createClinic('Bench Clinic', engineer);
  const email = 'bench.ortho@example.test';
  const { user, oneTimePassword } = await identity.users.createUser({ realm: 'clinic', role: 'orthodontist', email, clinicId }, engineer);
  const patientId = crypto.randomUUID();
  const directory = new PostgresCareTeamDirectory(db.pools.owner);
  await directory.setPatientClinic(patientId, clinicId);
  await directory.addMember(patientId, user.id);

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: oneTimePassword } });
  const challenge = { authorization: `Bearer ${login.json().challengeToken}` };
  const enrol = await app.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: challenge });
  const seed = base32Decode(new URL(enrol.json().otpauthUri).searchParams.get('secret')!);
  const verified = await app.inject({ method: 'POST', url: '/auth/mfa/verify', headers: challenge, payload: { code: totpAt(seed, new Date()) } });
  const changed = await app.inject({
    method: 'POST', url: '/auth/password', headers: { authorization: `Bearer ${verified.json().accessToken}` },
    payload: { currentPassword: oneTimePassword, newPassword: 'bench passphrase that is long' },
  });
  if (changed.statusCode !== 200) throw new Error(`bench sign-in failed: ${changed.statusCode}`);
  return { app, accessToken: changed.json().accessToken, patientId, close: () => app.close() };
}
