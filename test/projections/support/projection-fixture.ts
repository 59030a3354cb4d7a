import { Kysely, PostgresDialect } from 'kysely';
import {
  createProjections, DecryptingEventSource, digestTables, type Projection, ProjectionRunner, type ReadModelDatabase,
  ReadModelKeys, READ_MODEL_TABLES, type RunnerOptions, catchUp, type Target,
} from '@ortholedger/read-models';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { cryptoFixture, type CryptoFixture } from '../../../libs/crypto/src/testing/crypto-fixture';

export interface ProjectionFixture {
  readonly db: TestDatabase;
  readonly fx: CryptoFixture;
  readonly keys: ReadModelKeys;
  readonly source: DecryptingEventSource;
  readonly projections: Projection[];
  /** Kysely over the app pool (live runners) and the owner pool (rebuilds). */
  readonly app: Kysely<ReadModelDatabase>;
  readonly owner: Kysely<ReadModelDatabase>;
  runner(options?: Partial<RunnerOptions>): Promise<ProjectionRunner>;
  /** Applies everything visible now to the live read models. */
  catchUp(options?: Partial<RunnerOptions>): Promise<void>;
  digest(target?: Target): Promise<string>;
  close(): Promise<void>;
}

/** A migrated test database, the encrypted event store over it, and the read models' keys and projections. */
export async function projectionFixture(): Promise<ProjectionFixture> {
  const db = await createTestDatabase();
  const fx = cryptoFixture(db);
  const keys = await ReadModelKeys.load({ pool: db.pools.app, provider: fx.provider });
  const source = new DecryptingEventSource(fx.inner, fx.store);
  const projections = createProjections(keys);
  const app = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: db.pools.app }) });
  const owner = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: db.pools.owner }) });
  const fixture: ProjectionFixture = {
    db, fx, keys, source, projections, app, owner,
    async runner(options = {}) {
      const runner = new ProjectionRunner({ db: app, source, projections, target: 'live', batchSize: 200, ...options });
      await runner.init();
      return runner;
    },
    async catchUp(options = {}) {
      const runner = await fixture.runner(options);
      for (let i = 0; i < 3; i++) await catchUp(runner); // three short reads in a row: nothing left behind
    },
    digest: (target = 'live') => digestTables(app, keys, READ_MODEL_TABLES, target),
    async close() {
      keys.close();
      await fx.close();
      await db.drop();
    },
  };
  return fixture;
}

/** `$all` shows a transaction only once every older one finished (cluster-wide): wait for the count. */
export async function waitForVisible(fx: CryptoFixture, expected: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await fx.inner['options'].pool.query<{ n: string }>(
      'select count(*) as n from eventstore.events where transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
    );
    if (Number(rows[0].n) >= expected || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
