import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { positionToString, START } from '@ortholedger/event-store';
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

  const careTeamRows = async (patientId: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from read_models.care_team_patients where patient_id = ${patientId}::uuid`.execute(f.app)).rows[0].n);
  /** Back to the version this code runs, for the tests after a test that pretended a newer release rebuilt it. */
  const restoreVersion = (projection: Projection) =>
    sql`update read_models.projection_checkpoints set version = ${projection.version} where projection = ${projection.name} and target = 'live'`.execute(f.owner);

  it('a runner of an older release refuses a checkpoint a newer release rebuilt, records nothing on it and sweeps nothing into it', async () => {
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    try {
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
      // Nor does it sweep erasures into the newer release's tables (the newer code knows what they hold).
      const handled = async () => Number((await sql<{ n: string }>`select count(*) as n from read_models.projection_erasures where projection = 'care_team'`.execute(f.app)).rows[0].n);
      const handledBefore = await handled();
      const erased = randomUUID();
      await append(erased, 6);
      await f.fx.vault.eraseSubject(erased, 'gdpr_art17', 'test');
      await fresh.sweep();
      expect(await handled()).toBe(handledBefore);
    } finally {
      await restoreVersion(careTeam);
    }
  }, 60_000);

  it('the older release lets go of the lock: a newer release\'s host takes the projection up', async () => {
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    const newer = { ...careTeam, version: careTeam.version + 1, handles: (e) => careTeam.handles(e), apply: (e, c, ch) => careTeam.apply(e, c, ch), eraseSubjects: (i, c) => careTeam.eraseSubjects(i, c) } as Projection;
    const older = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [careTeam], pollIntervalMs: 50, lockRetryMs: 300 });
    const newerHost = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [newer], pollIntervalMs: 50, lockRetryMs: 300 });
    older.start();
    try {
      await until('the older release to lead care_team', () => older.status().leading.includes('care_team'));
      // The newer release's rebuild is swapped in: a higher version and a new generation.
      await sql`update read_models.projection_checkpoints set version = version + 1, generation = generation + 1
                 where projection = 'care_team' and target = 'live'`.execute(f.owner);
      newerHost.start();
      const patient = randomUUID();
      await append(patient, 7);
      await until('the newer release to lead care_team', () => newerHost.status().leading.includes('care_team'), 15_000);
      expect(older.status().leading).not.toContain('care_team');
      await until('the newer release to apply the registration', async () => (await careTeamRows(patient)) > 0);
    } finally {
      await older.stop();
      await newerHost.stop();
      await restoreVersion(careTeam);
    }
  }, 60_000);

  it('a stopped projection that cannot be swept holds up nothing else: the running ones advance and erase, with an alert for it', async () => {
    const lines: { level: string; obj: Record<string, unknown> }[] = [];
    const record = (level: string) => (obj: object) => void lines.push({ level, obj: obj as Record<string, unknown> });
    const log = { info: record('info'), warn: record('warn'), error: record('error') };
    const [early, faulty, later, last] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const fault = { armed: true };
    const broken = { on: false };
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    // The directory, stopped by a live-only fault, and unsweepable while `broken` (a damaged table).
    const stopping = failingOn(directory, faulty, fault);
    const unsweepable = {
      ...stopping,
      handles: (e) => stopping.handles(e),
      apply: (e, c, ch) => stopping.apply(e, c, ch),
      eraseSubjects: async (ids, ctx) => {
        if (broken.on) throw new Error('table damaged');
        return directory.eraseSubjects(ids, ctx);
      },
    } as Projection;
    // The first test rebuilt the directory and left it behind the log: level it first.
    await f.catchUp({ projections: [directory] });
    const host = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [unsweepable, careTeam], pollIntervalMs: 50, lockRetryMs: 300, log });
    host.start();
    try {
      await append(early, 8);
      await until('the early patient in both models', async () => (await rows(early)) === 1 && (await careTeamRows(early)) > 0);
      await append(faulty, 9);
      await until('the directory to stop', () => 'patient_directory' in host.status().failed);
      broken.on = true;
      await f.fx.vault.eraseSubject(early, 'gdpr_art17', 'test');
      await until('the care team to drop the erased patient', async () => (await careTeamRows(early)) === 0, 5_000);
      await until('an alert for the directory', () => lines.some((l) => l.level === 'error' && l.obj.alert === 'erasure_sweep_failed' && l.obj.projection === 'patient_directory'), 5_000);
      expect(await rows(early)).toBe(1); // still there: its sweep failed
      await append(later, 10);
      await until('the care team to keep advancing', async () => (await careTeamRows(later)) > 0, 5_000);
      // Repaired: the next erasure's sweep applies both.
      broken.on = false;
      await append(last, 11);
      await until('the care team to have the last patient', async () => (await careTeamRows(last)) > 0, 5_000);
      await f.fx.vault.eraseSubject(last, 'gdpr_art17', 'test');
      await until('both erasures in the stopped directory', async () => (await rows(early)) === 0, 5_000);
    } finally {
      await host.stop();
    }
  }, 90_000);

  it('an interrupted rebuild keeps its shadow tables to resume; an erasure reaches them through the live runner', async () => {
    const [erased, kept] = [randomUUID(), randomUUID()];
    await append(erased, 20);
    await append(kept, 21);
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const shadowRows = async (patientId: string) =>
      Number((await sql<{ n: string }>`select count(*) as n from read_models_shadow.patient_directory where patient_id = ${patientId}::uuid`.execute(f.owner)).rows[0].n);
    // The rebuild is stopped once it has caught up, before the swap: its shadow stays, both patients
    // in it, for a resume that may never come.
    const stop = new AbortController();
    const report = await rebuild({
      db: f.owner, pool: f.db.pools.owner, source: f.source, projections: [directory], restart: true, signal: stop.signal,
      onProgress: (p) => { if (p.total > 0 && p.done >= p.total) stop.abort(); },
    });
    expect(report.swapped).toBe(false);
    expect([await shadowRows(erased), await shadowRows(kept)]).toEqual([1, 1]);

    await f.fx.vault.eraseSubject(erased, 'gdpr_art17', 'test');
    const alerts: object[] = [];
    const runner = await f.runner({ projections: [directory], log: { info: () => undefined, warn: () => undefined, error: (o: object) => void alerts.push(o) } });
    await runner.sweep();
    expect(alerts).toEqual([]);
    expect([await shadowRows(erased), await shadowRows(kept)]).toEqual([0, 1]);
    const handled = await sql<{ n: string }>`select count(*) as n from read_models.projection_erasures where projection = 'patient_directory' and target = 'shadow'`.execute(f.app);
    expect(Number(handled.rows[0].n)).toBeGreaterThan(0);
  });
});

describe('a projector error that names no event, in the middle of a batch', () => {
  let f: ProjectionFixture;
  const clinicId = randomUUID();
  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  it('the batch is narrowed down to the event: everything before it is applied, the projection stops exactly before it, the others go on', async () => {
    const patients = Array.from({ length: 41 }, () => randomUUID());
    const faulty = patients[23];
    for (const [i, patientId] of patients.entries()) await f.fx.store.appendToStream(`patient-${patientId}`, [registered(patientId, clinicId, 100 + i)]);
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    const streams = new Set(patients.map((p) => `patient-${p}`));
    const events = (await f.source.read(START, 10_000)).filter((e) => streams.has(e.streamId)).map((e) => ({ streamId: e.streamId, position: positionToString(e.position) }));
    const order = events.map((e) => e.streamId.slice('patient-'.length));
    const before = order.slice(0, order.indexOf(faulty));
    const after = order.slice(order.indexOf(faulty) + 1);

    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    const alerts: Record<string, unknown>[] = [];
    const warnings: Record<string, unknown>[] = [];
    const log = { info: () => undefined, warn: (o: Record<string, unknown>) => void warnings.push(o), error: (o: Record<string, unknown>) => void alerts.push(o) };
    const runner = await f.runner({ projections: [failingOn(directory, faulty, { armed: true }), careTeam], log, batchSize: 1000 });
    await catchUp(runner);
    await catchUp(runner);

    const inDirectory = new Set(
      (await sql<{ patient_id: string }>`select patient_id from read_models.patient_directory where patient_id = any(${patients}::uuid[])`.execute(f.app)).rows.map((r) => r.patient_id),
    );
    expect([before.every((p) => inDirectory.has(p)), inDirectory.has(faulty), after.some((p) => inDirectory.has(p))]).toEqual([true, false, false]);
    expect(runner.failures.get('patient_directory')).toMatchObject({ code: expect.any(String) });
    const stopped = alerts.filter((a) => a.alert === 'projection_stopped');
    expect(stopped).toHaveLength(1);
    const at = events[order.indexOf(faulty)];
    expect(stopped[0]).toMatchObject({ projection: 'patient_directory', streamId: `patient-${faulty}`, revision: '0', position: at.position });
    expect(stopped[0]).not.toHaveProperty('eventIn');
    // The checkpoint sits on the event just before the faulty one; the care team went through them all.
    const previous = events[order.indexOf(faulty) - 1];
    expect(runner.checkpoint('patient_directory')).toBeUndefined(); // stopped: no longer a member
    const { rows: [checkpoint] } = await f.db.pools.app.query(
      `select pos_commit::text as commit, pos_prepare::text as prepare, failure_code as failure from read_models.projection_checkpoints where projection = 'patient_directory' and target = 'live'`,
    );
    expect([`${checkpoint.commit}/${checkpoint.prepare}`, checkpoint.failure]).toEqual([previous.position, expect.any(String)]);
    expect(positionToString(runner.checkpoint('care_team')!.position)).toBe(events[events.length - 1].position);
    // It took a handful of halvings, each logged, not one attempt per event.
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(patients.length)));
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

describe('a sweep that fails while one projection is stopped and another runs', () => {
  let f: ProjectionFixture;
  const clinicId = randomUUID();

  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  it('is tried again at once, not dropped until the next erasure: the erased patient leaves the stopped projection', async () => {
    const [early, faulty] = [randomUUID(), randomUUID()];
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    // The stopped directory's first erasure sweep meets a transient failure (the server ended the connection).
    let sweeps = 0;
    const flaky: Projection = {
      ...failingOn(directory, faulty, { armed: true }),
      async eraseSubjects(ids, ctx) {
        if (ids.length > 0 && sweeps++ === 0) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        return directory.eraseSubjects(ids, ctx);
      },
    };
    const rows = async () => Number((await sql<{ n: string }>`select count(*) as n from read_models.patient_directory where patient_id = ${early}::uuid`.execute(f.app)).rows[0].n);
    // No periodic sweep within the test: only the retry can bring the row out.
    const host = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [flaky, careTeam], pollIntervalMs: 50, lockRetryMs: 300, sweepEveryMs: 3_600_000 });
    host.start();
    try {
      // The early patient in a batch of its own (a batch that fails stops the projection before all of it).
      await f.fx.store.appendToStream(`patient-${early}`, [registered(early, clinicId, 0)]);
      await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
      await until('the early patient in the directory', async () => (await rows()) === 1);
      await f.fx.store.appendToStream(`patient-${faulty}`, [registered(faulty, clinicId, 1)]);
      await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
      await until('the directory to stop on the faulty patient', () => 'patient_directory' in host.status().failed);
      expect(host.status().leading).toEqual(['care_team']);
      expect(await rows()).toBe(1);

      await f.fx.vault.eraseSubject(early, 'gdpr_art17', 'test');
      await until('the erased patient to leave the stopped directory', async () => (await rows()) === 0, 5_000);
      expect(sweeps).toBeGreaterThanOrEqual(2);
    } finally {
      await host.stop();
    }
  }, 60_000);
});

describe('a stop whose checkpoint statement fails', () => {
  let f: ProjectionFixture;
  const clinicId = randomUUID();

  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  it('is recorded on a later step, so every process sees the projection stopped', async () => {
    const faulty = randomUUID();
    const directory = f.projections.find((p) => p.name === 'patient_directory')!;
    const careTeam = f.projections.find((p) => p.name === 'care_team')!;
    const recordStop = jest.spyOn(CheckpointStore, 'fail').mockRejectedValueOnce(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    const failedAt = async () =>
      (await sql<{ failed_at: Date | null }>`select failed_at from read_models.projection_checkpoints where projection = 'patient_directory' and target = 'live'`.execute(f.app)).rows[0]?.failed_at ?? null;
    const alerts: Record<string, unknown>[] = [];
    const log = { info: () => undefined, warn: () => undefined, error: (fields: Record<string, unknown>) => void alerts.push(fields) };
    const host = new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections: [failingOn(directory, faulty, { armed: true }), careTeam], pollIntervalMs: 50, lockRetryMs: 300, sweepEveryMs: 3_600_000, log });
    host.start();
    try {
      await f.fx.store.appendToStream(`patient-${faulty}`, [registered(faulty, clinicId, 1)]);
      await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
      await until('the directory to stop', () => 'patient_directory' in host.status().failed);
      // The first attempt failed; a later step of the runner (care_team still runs) records it.
      await until('the stop on the checkpoint', async () => (await failedAt()) !== null, 5_000);
      expect(recordStop.mock.calls.length).toBeGreaterThanOrEqual(2);
      // The projector's error names no event: the alert names the one it failed on alone.
      const stopped = alerts.find((a) => a.alert === 'projection_stopped');
      expect(stopped).toMatchObject({ projection: 'patient_directory', streamId: `patient-${faulty}`, revision: '0' });
      expect(typeof stopped!.position).toBe('string');
    } finally {
      recordStop.mockRestore();
      await host.stop();
    }
  }, 60_000);
});
