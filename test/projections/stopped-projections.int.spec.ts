import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { catchUp, CheckpointStore, type Projection, ProjectionHost, rebuild } from '@ortholedger/read-models';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { registered, totalEvents } from './support/writers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A projection the log does not reproduce a failure of: the directory, failing with a plain error
 * (not transient, so the runner stops it) on one patient's registration while `armed`. Stands for a
 * live-only fault: a cancelled statement, a row damaged in the live table.
 */
function failingOn(inner: Projection, patientId: string, state: { armed: boolean }): Projection {
  return {
    name: inner.name,
    version: inner.version,
    tables: inner.tables,
    description: inner.description,
    handles: (event) => inner.handles(event),
    async apply(events, ctx, changes) {
      if (state.armed && events.some((e) => e.subjectId === patientId)) throw new Error('live-only fault');
      return inner.apply(events, ctx, changes);
    },
    eraseSubjects: (ids, ctx) => inner.eraseSubjects(ids, ctx),
  } as Projection;
}

describe('a stopped projection: erasures still reach it, a rebuild brings it back, an older release leaves a newer one alone', () => {
  let f: ProjectionFixture;
  const clinicId = randomUUID();
  const rows = async (patientId: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from read_models.patient_directory where patient_id = ${patientId}::uuid`.execute(f.app)).rows[0].n);
  const append = async (patientId: string, i: number) => {
    await f.fx.store.appendToStream(`patient-${patientId}`, [registered(patientId, clinicId, i)]);
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
  };

  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  it('the host keeps sweeping erasures into a stopped projection, and resumes it once a rebuild has swapped it in', async () => {
    const [early, faulty, later] = [randomUUID(), randomUUID(), randomUUID()];
    const fault = { armed: true };
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const host = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [failingOn(directory, faulty, fault)], pollIntervalMs: 50, lockRetryMs: 300 });
    host.start();
    try {
      await append(early, 1);
      await until('the early patient in the directory', async () => (await rows(early)) === 1);
      await append(faulty, 2);
      await until('the directory to stop', () => 'patient_directory' in host.status().failed);
      expect(host.status().leading).toEqual([]);

      // Erased while the directory is stopped: the row goes anyway, and the erasure is recorded as handled.
      await f.fx.vault.eraseSubject(early, 'gdpr_art17', 'test');
      await until('the erased patient to leave the stopped directory', async () => (await rows(early)) === 0, 5_000);
      const handled = await sql<{ n: string }>`select count(*) as n from read_models.projection_erasures where projection = 'patient_directory' and target = 'live'`.execute(f.app);
      expect(Number(handled.rows[0].n)).toBe(1);
      expect(await rows(faulty)).toBe(0);

      // The operator rebuilds it (the fault was live-only): the host takes the projection up again.
      fault.armed = false;
      await rebuild({ db: f.owner, pool: f.db.pools.owner, source: f.source, projections: [directory], restart: true });
      await until('the host to lead the rebuilt directory again', () => host.status().leading.includes('patient_directory'));
      expect(host.status().failed).toEqual({});
      await append(later, 3);
      await until('a later registration in the directory', async () => (await rows(later)) === 1);
      expect(await rows(faulty)).toBe(1);
      expect(await rows(early)).toBe(0);
    } finally {
      await host.stop();
    }
  }, 120_000);

  it('a runner of an older release refuses a checkpoint a newer release rebuilt, and records nothing on it', async () => {
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    const runner = await f.runner({ projections: [careTeam] });
    await catchUp(runner);
    expect(runner.active).toEqual(['care_team']);
    // A newer release swaps in its rebuild: a new generation and a higher version on the live checkpoint.
    await sql`update read_models.projection_checkpoints set version = version + 1, generation = generation + 1
               where projection = 'care_team' and target = 'live'`.execute(f.owner);
    const before = (await CheckpointStore.get(f.app, 'care_team', 'live'))!;
    await append(randomUUID(), 4);
    await catchUp(runner); // fenced by the new generation, reloads, sees the newer version
    expect(runner.active).toEqual([]);
    expect(runner.failures.get('care_team')?.code).toBe('PROJECTION.VERSION_NEWER');
    const after = (await CheckpointStore.get(f.app, 'care_team', 'live'))!;
    expect(after.position).toEqual(before.position);
    expect(after.failure).toBeNull();
    // A fresh runner of the older release refuses it at once.
    const fresh = await f.runner({ projections: [careTeam] });
    expect(fresh.active).toEqual([]);
    expect(fresh.failures.get('care_team')?.code).toBe('PROJECTION.VERSION_NEWER');
  }, 60_000);
});

describe('the final drain of a swap (a step inside the caller\'s transaction)', () => {
  let f: ProjectionFixture;
  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  it('a projector\'s transient failure reaches the caller as itself (a deadlock), so the swap retries instead of failing the rebuild', async () => {
    const patientId = randomUUID();
    await f.fx.store.appendToStream(`patient-${patientId}`, [registered(patientId, randomUUID(), 5)]);
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const deadlocked: Projection = {
      ...directory,
      handles: (event) => directory.handles(event),
      eraseSubjects: (ids, ctx) => directory.eraseSubjects(ids, ctx),
      apply: async () => {
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      },
    } as Projection;
    const runner = await f.runner({ projections: [deadlocked] });
    const error = await f.app.transaction().execute((trx) => runner.step(trx)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('40P01');
    expect(runner.active).toEqual(['patient_directory']);
  }, 30_000);
});
