import { catchUp, CheckpointStore, LockSession, lockName, ProjectionHost, ProjectionRunner } from '@ortholedger/read-models';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { compareWithLog } from './support/compare';
import { createLedgerTable, ledgerCounts, ledgerProjection } from './support/ledger';
import { runWriters, totalEvents } from './support/writers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two runners for one projection', () => {
  let f: ProjectionFixture;

  beforeAll(async () => {
    f = await projectionFixture();
    await createLedgerTable(f.db.pools.owner);
  });
  afterAll(() => f.close());

  it('two hosts (two processes): only one leads and advances; the other takes over when it stops; nothing applied twice', async () => {
    const projections = [...f.projections, ledgerProjection()];
    const names = projections.map((p) => p.name);
    const hosts = [0, 1].map(() => new ProjectionHost({ pool: f.db.pools.app, db: f.app, source: f.source, projections, pollIntervalMs: 50, lockRetryMs: 300 }));
    hosts.forEach((h) => h.start());
    const writing = runWriters(f.fx, f.db.pools.app, { writers: 4, events: 3000 });
    const leaders = new Set<string>();
    let both = 0;
    while (!(await Promise.race([writing.then(() => true), sleep(100).then(() => false)]))) {
      const leading = hosts.map((h) => h.status().leading);
      // Exclusivity is per projection: two hosts may split the projections, never share one.
      if (leading[0].some((name) => leading[1].includes(name))) both++;
      leading.forEach((l, i) => l.forEach((name) => leaders.add(`${i}:${name}`)));
    }
    expect(both).toBe(0);
    expect(new Set([...leaders].map((l) => l.split(':')[1]))).toEqual(new Set(names)); // every projection had a leader

    // The leader goes away; the standby takes every lock and finishes the work.
    const leader = hosts.findIndex((h) => h.status().leading.length > 0);
    await hosts[leader].stop();
    await runWriters(f.fx, f.db.pools.app, { writers: 2, events: 500 });
    const total = await totalEvents(f.db.pools.app);
    await waitForVisible(f.fx, total);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const all = await CheckpointStore.all(f.app);
      if (names.every((n) => all.find((c) => c.projection === n && c.target === 'live')!.eventsSeen >= total)) break;
      if (Date.now() > deadline) throw new Error('standby did not catch up');
      await sleep(100);
    }
    expect(hosts[1 - leader].status().leading.sort()).toEqual([...names].sort());
    await hosts[1 - leader].stop();
    const ledger = await ledgerCounts(f.db.pools.app);
    expect({ skipped: total - ledger.rows, twice: ledger.twice }).toEqual({ skipped: 0, twice: 0 });
  }, 300_000);

  it('a lock session that stops answering (a silently dropped connection) counts as lost, and its lock goes to the standby', async () => {
    const config = (f.db.pools.app as unknown as { options: object }).options;
    let lost = 0;
    const leader = new LockSession(config, { onLost: () => lost++ });
    const standby = new LockSession(config);
    await leader.connect();
    await standby.connect();
    const name = lockName('ping_test', 'live');
    try {
      expect(await leader.tryLock(name)).toBe(true);
      expect(await standby.tryLock(name)).toBe(false);
      expect(await leader.ping(2000)).toBe(true);
      // The connection goes quiet: nothing it is sent is answered any more (as behind a dead NAT entry).
      const stream = (leader as unknown as { client: { connection: { stream: import('node:net').Socket } } }).client.connection.stream;
      stream.pause();
      expect(await leader.ping(300)).toBe(false);
      expect({ lost, connected: leader.connected, holds: leader.holds(name) }).toEqual({ lost: 1, connected: false, holds: false });
      stream.destroy(); // what the OS's keepalive does in the end; the server then ends the backend and frees the lock
      const deadline = Date.now() + 10_000;
      while (!(await standby.tryLock(name))) {
        if (Date.now() > deadline) throw new Error('the standby never got the lock');
        await sleep(50);
      }
    } finally {
      await standby.close();
      await leader.close();
    }
  }, 30_000);

  it('without locks, two runners racing on one checkpoint never double-apply (the checkpoint row fences them)', async () => {
    await runWriters(f.fx, f.db.pools.app, { writers: 4, events: 2000 });
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    const projections = [...f.projections, ledgerProjection()];
    const runners = await Promise.all([0, 1].map(async () => {
      const r = new ProjectionRunner({ db: f.app, source: f.source, projections, target: 'live', batchSize: 25 });
      await r.init();
      return r;
    }));
    const applied = [0, 0];
    await Promise.all(runners.map((r, i) => catchUp(r, { onBatch: (b) => (applied[i] += b.applied) })));
    for (const r of runners) await catchUp(r);
    const ledger = await ledgerCounts(f.db.pools.app);
    const total = await totalEvents(f.db.pools.app);
    const fenced = runners.map((r) => r.counters.fenced);
    console.log(`two unlocked runners: batches committed ${runners.map((r) => r.counters.committed).join(' + ')}, refused by the checkpoint fence ${fenced.join(' + ')}; ledger ${ledger.rows} rows, ${ledger.twice} twice of ${total}`);
    expect(fenced[0] + fenced[1]).toBeGreaterThan(0);
    expect({ skipped: total - ledger.rows, twice: ledger.twice }).toEqual({ skipped: 0, twice: 0 });
    const diff = await compareWithLog(f);
    expect([diff.directory, diff.careTeam, diff.board, diff.timeline]).toEqual([0, 0, 0, 0]);
  }, 300_000);
});
