import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccessModule, type AccessModuleOptions, PostgresCareTeamDirectory } from '@ortholedger/access';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@ortholedger/event-store';
import { CommandHandlingModule, HealthModule, PlatformModule, RAW_EVENT_STORE, REALM, type Runtime } from '@ortholedger/platform';
import { PatientModule } from './patient/patient.module';
import { TreatmentCaseModule } from './treatment-case/treatment-case.module';
import { readModelCareTeam, ReadModelsModule } from './queries/read-models.module';

/** Test and embedding hooks for the access layer (clock, care-team directory, policy parameters). */
export type ClinicAccessOptions = Omit<AccessModuleOptions, 'realm'>;

/** The clinic realm: orthodontists, dentists and clinic staff, through the case-management UI. */
@Module({})
export class ClinicApiModule {
  static forRoot(runtime: Runtime, logger: Logger, access: ClinicAccessOptions = {}): DynamicModule {
    return {
      module: ClinicApiModule,
      imports: [
        PlatformModule.forRoot(runtime, logger),
        HealthModule,
        // Every route passes the access guard; only the health probes are public.
        AccessModule.forRoot(runtime, logger, {
          ...access,
          // Care teams come from the care_team read model; the interim tables answer only for patients the log never mentioned.
          // The raw event store says where each patient's newest event is (read through the port on EventStoreDB).
          careTeamFrom: access.careTeamFrom ?? {
            inject: [RAW_EVENT_STORE],
            useFactory: (raw: EventStore) => readModelCareTeam(runtime.pools, raw, new PostgresCareTeamDirectory(runtime.pools.app)),
          },
          realm: 'clinic',
          publicModules: [HealthModule, ...(access.publicModules ?? [])],
        }),
        // Commands and queries dispatch through the buses; the in-memory EventBus is used for nothing.
        CqrsModule.forRoot(),
        CommandHandlingModule,
        PatientModule,
        TreatmentCaseModule,
        // Read models: projection runners, the in-memory patient search, case board and timeline queries.
        ReadModelsModule.forRoot(),
      ],
      providers: [{ provide: REALM, useValue: 'clinic' }],
      exports: [REALM],
    };
  }
}
