import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { KeyProvider } from '@ortholedger/crypto';
import type { EventStore } from '@ortholedger/event-store';
import { DATABASE_POOLS, type DatabasePools, EVENT_STORE, KEY_PROVIDER, LOGGER, RAW_EVENT_STORE } from '@ortholedger/platform';
import { careTeamHeads, createReadModelServices, type Opener, ProjectedCareTeamDirectory, type CareTeamFacts } from '@ortholedger/read-models';
import { CaseSubjects } from './case-subject';
import { CaseTimelineController } from './case-timeline/case-timeline.http.controller';
import { CaseTimelineHandler } from './case-timeline/case-timeline.handler';
import { GetCaseCardController } from './get-case-card/get-case-card.http.controller';
import { GetCaseCardHandler } from './get-case-card/get-case-card.handler';
import { ListCasesController } from './list-cases/list-cases.http.controller';
import { ListCasesHandler } from './list-cases/list-cases.handler';
import { ReadModelsLifecycle } from './read-models.lifecycle';
import { READ_MODELS } from './read-models.tokens';
import { SearchPatientsController } from './search-patients/search-patients.http.controller';
import { SearchPatientsHandler } from './search-patients/search-patients.handler';

export interface ReadModelsModuleOptions {
  /** Backstop poll of the projection host when no NOTIFY arrives. */
  readonly pollIntervalMs?: number;
}

/**
 * The clinic API's read side: keeps the read models current (one active runner per projection
 * across processes), holds the decrypted patient search index, and serves the query routes.
 */
@Global()
@Module({})
export class ReadModelsModule {
  static forRoot(options: ReadModelsModuleOptions = {}): DynamicModule {
    return {
      module: ReadModelsModule,
      imports: [CqrsModule],
      controllers: [SearchPatientsController, ListCasesController, GetCaseCardController, CaseTimelineController],
      providers: [
        {
          provide: READ_MODELS,
          inject: [DATABASE_POOLS, RAW_EVENT_STORE, EVENT_STORE, KEY_PROVIDER, LOGGER],
          useFactory: (pools: DatabasePools, raw: EventStore, encrypted: Opener, provider: KeyProvider, logger: Logger) =>
            createReadModelServices({
              pools,
              rawStore: raw,
              opener: encrypted,
              provider,
              log: logger.child({ component: 'projections' }),
              pollIntervalMs: options.pollIntervalMs,
            }),
        },
        ReadModelsLifecycle,
        CaseSubjects,
        SearchPatientsHandler,
        ListCasesHandler,
        GetCaseCardHandler,
        CaseTimelineHandler,
      ],
      exports: [READ_MODELS],
    };
  }
}

/**
 * The access policies' care-team facts from the care_team read model, for AccessModule's
 * `careTeamFrom`; `interim` answers only for patients the event log has never mentioned.
 */
export function readModelCareTeam(pools: { app: DatabasePools['app'] }, raw: EventStore, interim?: CareTeamFacts): ProjectedCareTeamDirectory {
  return new ProjectedCareTeamDirectory(pools.app, { interim, streamHeads: careTeamHeads(raw) });
}
