import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthModule, PlatformModule, type Runtime } from '@ortholedger/platform';

/** The clinic realm: orthodontists, dentists and clinic staff, through the case-management UI. */
@Module({})
export class ClinicApiModule {
  static forRoot(runtime: Runtime, logger: Logger): DynamicModule {
    return {
      module: ClinicApiModule,
      imports: [PlatformModule.forRoot(runtime, logger), HealthModule],
    };
  }
}
