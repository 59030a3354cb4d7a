import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthModule, PlatformModule, type Runtime } from '@ortholedger/platform';

/** The back-office realm: coordinators, planners, support, compliance and platform admins. */
@Module({})
export class AdminApiModule {
  static forRoot(runtime: Runtime, logger: Logger): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [PlatformModule.forRoot(runtime, logger), HealthModule],
    };
  }
}
