import type pg from 'pg';
import { rebuild } from '@ortholedger/read-models';
import { prepareShadow } from '../../libs/read-models/src/rebuild/shadow-tables';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A reader that needs two tables of one projection, locking them in the other order than the swap
 * (the care-team facts statement reads care_team_patients before care_team), must never be the
 * victim of a deadlock with a rebuild's swap: the swap takes every table it moves in one statement
 * with a time budget under deadlock_timeout, and backs off (retrying later) before the reader's
 * deadlock check could run. Staged: the swap holds live care_team and is held up on the next table
 * (a second session holds the shadow care_team) when the reader asks for care_team; then the swap
 * reaches care_team_patients, which the reader holds. Moving tables one by one, the reader died
 * with "deadlock detected"; with a lock timeout per table (not per statement) it could still.
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

  /** Backends of this database (other than `exceptPids`) waiting for a lock on `relation`. */
  const waiting = async (relation: string, exceptPids: number[]) =>
    (await f.db.pools.owner.query(
      `select 1 from pg_locks l where not l.granted and l.relation = to_regclass($1)
          and l.database = (select oid from pg_database where datname = current_database()) and not (l.pid = any($2::int[]))`,
      [relation, exceptPids],
    )).rows.length > 0;
  const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(5)) if (await check()) return;
    throw new Error(`never saw: ${what}`);
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
      await until('the shadow table', async () => (await f.db.pools.owner.query("select to_regclass('read_models_shadow.care_team') is not null as ok")).rows[0].ok);
      await blocker.query('begin');
      await blocker.query('select count(*) from read_models_shadow.care_team');
      const [readerPid, blockerPid] = [await pidOf(reader), await pidOf(blocker)];
      // The swap holds live care_team and waits for the shadow one.
      await until('the swap waiting on the shadow care_team', () => waiting('read_models_shadow.care_team', [readerPid, blockerPid]));

      let settled = false;
      const read = reader.query('select count(*)::int as n from read_models.care_team').then((r) => r.rows[0].n as number).finally(() => (settled = true));
      await until('the reader waiting on care_team', () => waiting('read_models.care_team', [blockerPid]));
      await blocker.query('commit');
      // The cycle: the swap now waits on care_team_patients, which the reader holds (unless it already let go).
      let cycle = false;
      await until('the swap waiting on care_team_patients, or the read done', async () => (cycle ||= await waiting('read_models.care_team_patients', [readerPid, blockerPid])) || settled, 5_000);
      expect(await read).toBeGreaterThan(0);
      expect(cycle).toBe(true);
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

/**
 * `projections rebuild --restart` against the live runner's erasure sweep of an unfinished shadow:
 * the sweep locks the shadow checkpoint row, then the shadow tables. A restart that dropped the
 * tables first and then waited for the row deadlocked with it (one of them aborted with 40P01);
 * it now takes the row first too.
 */
describe('a restarted rebuild and the erasure sweep of its old shadow', () => {
  let f: ProjectionFixture;
  const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(5)) if (await check()) return;
    throw new Error(`never saw: ${what}`);
  };

  beforeAll(async () => {
    f = await projectionFixture();
    const { events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 10, casesPerPatient: 0, seed: 13 }), { mode: 'batched', concurrency: 2 });
    await waitForVisible(f.fx, events);
    await f.catchUp();
  }, 120_000);
  afterAll(() => f.close());

  it('take the checkpoint row and the tables in the same order: the sweep finishes, then the restart', async () => {
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    await prepareShadow(f.owner, careTeam, false); // an unfinished rebuild's shadow
    const sweep = await f.db.pools.app.connect();
    try {
      // The sweep's first step (ProjectionRunner.sweepShadows): the shadow checkpoint row.
      await sweep.query('begin');
      await sweep.query(`select 1 from read_models.projection_checkpoints where projection = 'care_team' and target = 'shadow' for update`);
      const restarted = rebuild({ db: f.owner, pool: f.db.pools.owner, source: f.source, projections: [careTeam], restart: true });
      restarted.catch(() => undefined);
      const sweepPid = (await sweep.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
      await until('the restart to wait for the sweep', async () =>
        (await f.db.pools.owner.query(
          `select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database() and l.pid <> $1`,
          [sweepPid],
        )).rows.length > 0);
      // Its second step: the shadow tables. Taken at once (the restart has not touched them), no deadlock.
      await sweep.query(`set local lock_timeout = '3s'`);
      await sweep.query('delete from read_models_shadow.care_team where patient_id is null');
      await sweep.query('delete from read_models_shadow.care_team_patients where patient_id is null');
      await sweep.query('commit');
      const report = await restarted;
      expect(report.swapped).toBe(true);
    } finally {
      await sweep.query('rollback').catch(() => undefined);
      sweep.release();
    }
  }, 60_000);
});
