import { CheckpointStore, digestTables, kyselyOver, rebuild, READ_MODEL_TABLES } from '@ortholedger/read-models';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { type Clinician, WorkflowHarness } from '../treatment-workflow/support/workflow-harness';
import { eventStoreOf, readModelsOf, stopHarness } from './support/api';
import { writerStore } from './support/app-writers';
import { runWriters, totalEvents } from './support/writers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rebuild while the clinic API serves and writers write', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('A');
    ortho = await h.user('orthodontist', clinic);
    const staff = [{ clinicId: clinic, orthodontists: [ortho.id], dentists: [ortho.id], staff: [ortho.id] }];
    await writeClinic(eventStoreOf(h), syntheticClinic({ patients: 300, casesPerPatient: 2, clinics: staff, seed: 9 }), { mode: 'batched', concurrency: 6, keep: false });
  }, 240_000);
  afterAll(() => stopHarness(h));

  const rebuildAll = async () => {
    const rm = readModelsOf(h);
    return rebuild({ db: kyselyOver(h.db.pools.owner), pool: h.db.pools.owner, source: rm.source, projections: rm.projections, restart: true, batchSize: 300 });
  };
  const digest = () => digestTables(readModelsOf(h).db, readModelsOf(h).keys, READ_MODEL_TABLES);
  const caughtUp = async () => {
    const total = await totalEvents(h.db.pools.app);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const all = await CheckpointStore.all(readModelsOf(h).db);
      if (readModelsOf(h).projections.every((p) => (all.find((c) => c.projection === p.name && c.target === 'live')?.eventsSeen ?? 0) >= total)) return;
    }
    throw new Error('live projections did not catch up');
  };

  it('two rebuilds during writes, then two after: identical digests, equal to the live model; every API call answered', async () => {
    const writer = writerStore(h);
    const statuses = new Map<number, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const [method, url, body] of [['POST', '/patients/search', { name: 'ma' }], ['GET', '/case-board?limit=10'], ['POST', '/patients/search', { dateOfBirth: '1990' }]] as const) {
          const res = await h.call(ortho, method, url, body);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
    })();
    const writing = runWriters(writer, h.db.pools.app, { writers: 4, events: 4000 });
    const during = [await rebuildAll(), await rebuildAll()];
    await writing;
    await writer.close();
    await caughtUp();
    const live = await digest();
    const after = [];
    for (let i = 0; i < 2; i++) {
      await rebuildAll();
      after.push(await digest());
    }
    polling = false;
    await poller;
    // Anything but 200 is a failure below; print what the API logged at warn and above (no PHI in logs) to say why.
    const atLeastWarn = (line: string) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 40;
      } catch {
        return true; // not a pino line: show it
      }
    };
    if ([...statuses.keys()].some((s) => s !== 200)) console.log(h.log.lines.filter(atLeastWarn).slice(0, 20).join(''));
    console.log(`rebuild e2e: rebuilds during writes took ${during.map((r) => `${r.events} events/${r.seconds.toFixed(1)} s`).join(', ')}; API answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(during.every((r) => r.swapped)).toBe(true);
    expect(after).toEqual([live, live]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(20);
    // The search index reloaded after each swap and still finds the clinic's patients.
    expect((await h.call(ortho, 'POST', '/patients/search', { dateOfBirth: '1990' })).status).toBe(200);
  }, 600_000);
});
