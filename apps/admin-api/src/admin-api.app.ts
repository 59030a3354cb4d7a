import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createHttpApp, type Runtime } from '@ortholedger/platform';
import { AdminApiModule } from './admin-api.module';

export async function createAdminApi(runtime: Runtime, logger: Logger): Promise<NestFastifyApplication> {
  return createHttpApp(AdminApiModule.forRoot(runtime, logger), { logger: logger.child({ app: 'admin-api' }) });
}
