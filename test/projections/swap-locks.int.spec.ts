import type pg from 'pg';
import { rebuild } from '@ortholedger/read-models';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A reader that needs two tables of one projection, locking them in the other order than the swap
 * (the care-team facts statement reads care_team_patients before care_team), must never be the
 * victim of a deadlock with a rebuild's swap: the swap takes every table it moves in one step, and
 * backs off (retrying later) before Postgres would look for deadlocks.
 */
describe('a rebuild swap and readers that lock tables in the other order', () => {
  let f: ProjectionFixture;

  beforeAll(async () => {
    f = await projectionFixture();
    const { events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 40, casesPerPatient: 0, seed: 12 }), { mode: 'batched', concurrency: 4 });
    await waitForVisible(f.fx, events);
    await f.catchUp();
  }, 120_000);
  afterAll(() => f.close());

  const waitingOnLock = async (exceptPids: number[]) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20)) {
      const { rows } = await f.db.pools.owner.query(
        `select 1 from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
          where not l.granted and n.nspname in ('read_models', 'read_models_shadow') and not (l.pid = any($1::int[]))`,
        [exceptPids],
      );
      if (rows.length > 0) return;
    }
    throw new Error('the swap never waited for a lock');
  };
  const pidOf = async (client: pg.PoolClient) => (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;

  it("the reader's statement succeeds, and the swap happens once the reader is done", async () => {
    const reader = await f.db.pools.app.connect();
    const blocker = await f.db.pools.owner.connect(); // shadow tables belong to the owner
    const warnings: unknown[] = [];
    let rebuilding: Promise<unknown> = Promise.resolve();
    try {
      // The reader holds care_team_patients, as the facts statement does before it reaches care_team.
      await reader.query('begin');
      await reader.query('select count(*) from read_models.care_team_patients');
      const careTeam = f.projections.find((p) => p.name === 'care_team')!;
      rebuilding = rebuild({
        db: f.owner, pool: f.db.pools.owner, source: f.source, projections: [careTeam], restart: true,
        log: { warn: (o: unknown) => warnings.push(o), info: () => undefined, error: () => undefined } as never,
      });
      // Hold the shadow table too, so that a swap moving tables one by one stops between live
      // care_team (taken) and care_team_patients (not yet asked for) while the reader comes in.
      for (const deadline = Date.now() + 20_000; ; await sleep(10)) {
        const { rows } = await f.db.pools.owner.query("select to_regclass('read_models_shadow.care_team') is not null as ok");
        if (rows[0].ok) break;
        if (Date.now() > deadline) throw new Error('no shadow table');
      }
      await blocker.query('begin');
      await blocker.query('select count(*) from read_models_shadow.care_team');
      await waitingOnLock([await pidOf(reader), await pidOf(blocker)]);

      const read = reader.query('select count(*)::int as n from read_models.care_team').then((r) => r.rows[0].n as number);
      await sleep(100);
      await blocker.query('commit');
      expect(await read).toBeGreaterThan(0);
      await reader.query('commit');
      expect(((await rebuilding) as { swapped: boolean }).swapped).toBe(true);
      expect(warnings.length).toBeGreaterThan(0); // it did back off at least once
    } finally {
      await reader.query('rollback').catch(() => undefined);
      await blocker.query('rollback').catch(() => undefined);
      reader.release();
      blocker.release();
      await rebuilding.catch(() => undefined);
    }
  }, 60_000);
});
