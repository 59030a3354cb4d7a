import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { DataKeys, DekCache, EncryptedEventStore, ErasureListener, type KeyProvider, KeyStore } from '@ortholedger/crypto';
import type { EventStore } from '@ortholedger/event-store';
import { ReadModelKeys } from './keys/read-model-keys';
import { createProjections } from './projections/registry';
import { CaseBoardQueries } from './queries/case-board.queries';
import { CaseTimelineQueries } from './queries/case-timeline.queries';
import { PatientDirectoryQueries } from './queries/patient-directory.queries';
import type { ReadModelDatabase } from './schema/read-model.db';
import { DecryptingEventSource, type Opener } from './runner/event-source';
import { projectionStatuses, type ProjectionStatus } from './runner/lag';
import type { Projection } from './runner/projection';
import { ProjectionHost } from './runner/projection-host';
import type { RunnerLog } from './runner/projection-runner';
import { PatientSearchService } from './search/patient-search.service';

export interface ReadModelDeps {
  readonly pools: { readonly app: pg.Pool; readonly owner?: pg.Pool };
  /** The raw adapter (either one); events are decrypted here, once per batch. */
  readonly rawStore: EventStore;
  readonly provider: KeyProvider;
  /** An EncryptedEventStore over `rawStore` to decrypt with; one is built (with its own key cache) if absent. */
  readonly opener?: Opener;
  readonly log?: RunnerLog;
  readonly pollIntervalMs?: number;
}

export interface ReadModelServices {
  readonly keys: ReadModelKeys;
  readonly projections: readonly Projection[];
  readonly source: DecryptingEventSource;
  readonly db: Kysely<ReadModelDatabase>;
  readonly host: ProjectionHost;
  readonly search: PatientSearchService;
  readonly directory: PatientDirectoryQueries;
  readonly caseBoard: CaseBoardQueries;
  readonly timeline: CaseTimelineQueries;
  statuses(): Promise<ProjectionStatus[]>;
  /**
   * Which of `projections` are stopped (a failure recorded on the live checkpoint): queries whose
   * access scoping rests on them refuse to answer rather than scope by a frozen care team or clinic.
   */
  stoppedAmong(projections: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

export const kyselyOver = (pool: pg.Pool) => new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool }) });

/** An EncryptedEventStore for reading, with an erasure listener so shredded keys leave its cache at once. */
export async function createOpener(pool: pg.Pool, raw: EventStore, provider: KeyProvider): Promise<{ opener: EncryptedEventStore; close(): Promise<void> }> {
  const keys = new DataKeys({ store: new KeyStore(pool), provider, cache: new DekCache({ maxEntries: 50_000 }) });
  const opener = new EncryptedEventStore({ inner: raw, keys });
  const listener = new ErasureListener(pool, keys);
  // Until it listens (it keeps trying) the cache TTL bounds erasure here; projections sweep anyway.
  await listener.start().catch(() => undefined);
  return {
    opener,
    async close() {
      await listener.close();
      keys.close();
    },
  };
}

/** Everything read-model related one process needs; nothing starts until `host.start()` / `search.start()`. */
export async function createReadModelServices(deps: ReadModelDeps): Promise<ReadModelServices> {
  const keys = await ReadModelKeys.load({ pool: deps.pools.app, provider: deps.provider });
  const built = deps.opener ? undefined : await createOpener(deps.pools.app, deps.rawStore, deps.provider);
  const source = new DecryptingEventSource(deps.rawStore, deps.opener ?? built!.opener);
  const projections = createProjections(keys);
  const db = kyselyOver(deps.pools.app);
  const host = new ProjectionHost({ pool: deps.pools.app, db, source, projections, log: deps.log, pollIntervalMs: deps.pollIntervalMs });
  const search = new PatientSearchService(deps.pools.app, keys, { log: deps.log });
  return {
    keys,
    projections,
    source,
    db,
    host,
    search,
    directory: new PatientDirectoryQueries(deps.pools.app, keys),
    caseBoard: new CaseBoardQueries(deps.pools.app, keys),
    timeline: new CaseTimelineQueries(deps.pools.app, keys),
    statuses: () => projectionStatuses(db, source, projections),
    async stoppedAmong(names) {
      const { rows } = await deps.pools.app.query<{ projection: string }>({
        name: 'read_models_stopped_among',
        text: "select projection from read_models.projection_checkpoints where target = 'live' and projection = any($1::text[]) and failed_at is not null order by projection",
        values: [names],
      });
      return rows.map((r) => r.projection);
    },
    async close() {
      await host.stop();
      await search.stop();
      await built?.close();
      keys.close();
    },
  };
}
