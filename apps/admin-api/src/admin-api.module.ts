import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccessModule, type AccessModuleOptions } from '@ortholedger/access';
import { HealthModule, PlatformModule, REALM, type Runtime } from '@ortholedger/platform';

/** Test and embedding hooks for the access layer (clock, care-team directory, policy parameters). */
export type AdminAccessOptions = Omit<AccessModuleOptions, 'realm'>;

/** The back-office realm: coordinators, planners, support, compliance and platform admins. */
@Module({})
export class AdminApiModule {
  static forRoot(runtime: Runtime, logger: Logger, access: AdminAccessOptions = {}): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        PlatformModule.forRoot(runtime, logger),
        HealthModule,
        // Every route passes the access guard; only the health probes are public.
        AccessModule.forRoot(runtime, logger, { ...access, realm: 'backoffice', publicModules: [HealthModule, ...(access.publicModules ?? [])] }),
      ],
      providers: [{ provide: REALM, useValue: 'backoffice' }],
      exports: [REALM],
    };
  }
}
