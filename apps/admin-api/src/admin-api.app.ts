import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { assertServingConfig, createHttpApp, type Runtime } from '@ortholedger/platform';
import { type AdminAccessOptions, AdminApiModule } from './admin-api.module';

export async function createAdminApi(runtime: Runtime, logger: Logger, access?: AdminAccessOptions): Promise<NestFastifyApplication> {
  assertServingConfig(runtime.config);
  return createHttpApp(AdminApiModule.forRoot(runtime, logger, access), { logger: logger.child({ app: 'admin-api' }), trustProxy: runtime.config.trustedProxies });
}
