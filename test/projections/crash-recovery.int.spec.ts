import { catchUp, rebuild } from '@ortholedger/read-models';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { cli, cliKilledAfter } from './support/cli';
import { totalEvents } from './support/writers';

class Crash extends Error {}
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/**
 * Kill the runner at random points, during live catch-up and during a rebuild: in process (a throw
 * inside the batch transaction, after the writes and before the commit; or an abort between
 * batches) and as real SIGKILLs of a CLI process. After restarting, the read models' digest must
 * equal a fresh rebuild's.
 */
describe('crash recovery', () => {
  let f: ProjectionFixture;
  let seed = 100;
  let reference: string;
  const crashes = { live: 0, rebuild: 0, killed: 0 };

  const addPatients = async (patients: number) => {
    await writeClinic(f.fx.store, syntheticClinic({ patients, casesPerPatient: 2, seed: seed++ }), { mode: 'batched', concurrency: 4, keep: false });
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
  };
  const cleanRebuild = async () => {
    await rebuild({ db: f.owner, pool: f.db.pools.owner, source: f.source, projections: f.projections, restart: true, batchSize: 500 });
    return f.digest();
  };

  beforeAll(async () => {
    f = await projectionFixture();
    await addPatients(300);
  }, 180_000);
  afterAll(async () => {
    console.log(`crash recovery: ${crashes.live} live crashes, ${crashes.rebuild} rebuild crashes, ${crashes.killed} SIGKILLed CLI processes`);
    await f.close();
  });

  it('100 crashes during live catch-up while the log grows: digest == a fresh rebuild', async () => {
    while (crashes.live < 100) {
      if (crashes.live % 10 === 0) await addPatients(20);
      const at = random(1, 4);
      const controller = new AbortController();
      const runner = await f.runner({ batchSize: 40, faults: { inTransaction: (batch) => { if (batch === at) throw new Crash(); } } });
      if (Math.random() < 0.2) setTimeout(() => controller.abort(), random(0, 30));
      try {
        await catchUp(runner, { signal: controller.signal });
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashes.live++;
      }
    }
    await f.catchUp();
    const afterCrashes = await f.digest();
    reference = await cleanRebuild();
    expect(afterCrashes).toBe(reference);
  }, 600_000);

  it('100 crashes during a rebuild (catch-up and swap), each resumed: digest == a fresh rebuild', async () => {
    let done = false;
    let attempts = 0;
    while (!done) {
      const at = crashes.rebuild < 100 ? random(1, 3) : Number.POSITIVE_INFINITY;
      try {
        await rebuild({
          db: f.owner, pool: f.db.pools.owner, source: f.source, projections: f.projections, restart: attempts++ === 0, batchSize: 60,
          faults: { inTransaction: (batch) => { if (batch === at) throw new Crash(); } },
        });
        done = true;
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashes.rebuild++;
      }
    }
    expect(crashes.rebuild).toBeGreaterThanOrEqual(100);
    expect(await f.digest()).toBe(reference);
  }, 600_000);

  it('SIGKILLed CLI processes: `projections rebuild --all` and `projections run --until-caught-up` resume to the same digest', async () => {
    for (let i = 0; i < 4; i++) if (await cliKilledAfter(f, random(1200, 2500), 'projections', 'rebuild', '--all', '--restart', '--batch-size', '40')) crashes.killed++;
    for (let i = 0; i < 3; i++) if (await cliKilledAfter(f, random(1200, 2500), 'projections', 'rebuild', '--all', '--batch-size', '40')) crashes.killed++;
    const finished = await cli(f, 'projections', 'rebuild', '--all', '--json');
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ swapped: true });
    expect(await f.digest()).toBe(reference);

    await addPatients(150); // the live models are now behind
    for (let i = 0; i < 3; i++) if (await cliKilledAfter(f, random(1200, 2200), 'projections', 'run', '--until-caught-up')) crashes.killed++;
    expect((await cli(f, 'projections', 'run', '--until-caught-up', '--json')).code).toBe(0);
    const live = await f.digest();
    expect(live).toBe(await cleanRebuild());
    expect(crashes.killed).toBeGreaterThanOrEqual(5);
  }, 600_000);
});
