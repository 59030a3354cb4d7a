import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { assertServingConfig, createHttpApp, type Runtime } from '@ortholedger/platform';
import { type ClinicAccessOptions, ClinicApiModule } from './clinic-api.module';
import { serveOpenApi } from './openapi/openapi';

export async function createClinicApi(runtime: Runtime, logger: Logger, access?: ClinicAccessOptions): Promise<NestFastifyApplication> {
  assertServingConfig(runtime.config);
  return createHttpApp(ClinicApiModule.forRoot(runtime, logger, access), {
    logger: logger.child({ app: 'clinic-api' }),
    trustProxy: runtime.config.trustedProxies,
    // OpenAPI document and Swagger UI outside production only.
    configure: (app) => serveOpenApi(app, runtime.config.production),
  });
}
