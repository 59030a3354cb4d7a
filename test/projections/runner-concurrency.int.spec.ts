import { CheckpointStore, ProjectionHost } from '@ortholedger/read-models';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { compareWithLog } from './support/compare';
import { createLedgerTable, ledgerCounts, ledgerProjection } from './support/ledger';
import { runWriters, totalEvents } from './support/writers';

const EVENTS = 20_000;

/** Waits until every checkpoint of the host's projections has passed the newest event. */
export async function waitForCheckpoints(f: ProjectionFixture, names: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = await totalEvents(f.db.pools.app);
  for (;;) {
    const all = await CheckpointStore.all(f.app);
    const failed = all.find((c) => names.includes(c.projection) && c.failure);
    if (failed) throw new Error(`${failed.projection} stopped: ${failed.failure!.detail}`);
    const done = names.every((n) => (all.find((c) => c.projection === n && c.target === 'live')?.eventsSeen ?? 0) >= total);
    if (done) return;
    if (Date.now() > deadline) throw new Error('projections did not catch up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('projection runner under concurrent writers', () => {
  let f: ProjectionFixture;

  beforeAll(async () => {
    f = await projectionFixture();
    await createLedgerTable(f.db.pools.owner);
  });
  afterAll(() => f.close());

  it(`8 writers, slow-before-fast commits, 10% rolled back, ${EVENTS} events: read model == log, 0 skipped, 0 twice`, async () => {
    const projections = [...f.projections, ledgerProjection()];
    const host = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections, pollIntervalMs: 50, batchSize: 300 });
    host.start();
    const stats = await runWriters(f.fx, f.db.pools.app, { writers: 8, events: EVENTS });
    const total = await totalEvents(f.db.pools.app);
    await waitForVisible(f.fx, total);
    await waitForCheckpoints(f, projections.map((p) => p.name));
    await host.stop();

    const ledger = await ledgerCounts(f.db.pools.app);
    const diff = await compareWithLog(f);
    console.log(`runner: ${total} events committed by 8 writers (${stats.slow} in slow transactions), ${stats.rolledBack} rolled back; ledger ${ledger.rows} applied, ${ledger.twice} twice; rows ${JSON.stringify(diff.rows)}`);
    expect(total).toBeGreaterThanOrEqual(EVENTS);
    expect(stats.rolledBack).toBeGreaterThan(0);
    expect({ skipped: total - ledger.rows, twice: ledger.twice }).toEqual({ skipped: 0, twice: 0 });
    expect({ directory: diff.directory, careTeam: diff.careTeam, board: diff.board, timeline: diff.timeline }).toEqual({ directory: 0, careTeam: 0, board: 0, timeline: 0 });
  }, 600_000);
});
