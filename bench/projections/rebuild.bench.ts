/**
 * rebuild: events/s of a full rebuild of every read model (one pass over the log into shadow
 * tables, then the swap) vs reading and decrypting the same events without projecting, both with
 * a cold key cache and the same reader (batches of 1,000, 16 decryptions in flight). For the
 * analysis only, it also prints both with every key already cached: 37-46% of the cold read is
 * loading keys (one keyvault query and unwrap per stream), work the rebuild does too.
 */
import { DataKeys, DekCache, EncryptedEventStore, KeyStore } from '@ortholedger/crypto';
import { comparePositions, START } from '@ortholedger/event-store';
import { DecryptingEventSource, type EventSource, kyselyOver, rebuild } from '@ortholedger/read-models';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { benchStores, type ProjectionBenchContext, round } from './projection-bench-fixtures';

export const names = ['rebuild'] as const;

export async function run(ctx: ProjectionBenchContext) {
  if (!ctx.selected('rebuild')) return [];
  const stores = await benchStores(ctx.db.pools.app);
  try {
    // About 14 events per patient (registration, care team, consent, two cases): 1M events at --scale large.
    const patients = ctx.scale.name === 'large' ? 70_000 : ctx.scale.name === 'small' ? 600 : 3_000;
    const seeded = await writeClinic(stores.encrypted, syntheticClinic({ patients, casesPerPatient: 2, seed: 11 }), { mode: 'batched', concurrency: 8, keep: false });
    ctx.log.info(`rebuild: ${seeded.events} events of ${patients} patients seeded`);

    // Read-only and rebuild alternate, twice; the better round of each counts (a busy machine moves both).
    const readOnly = async (fresh: { source: EventSource; close(): void } = stores.freshSource()) => {
      const { source, close } = fresh;
      const started = process.hrtime.bigint();
      let read = 0;
      let from = START;
      for (;;) {
        const batch = await source.read(from, 1000);
        if (batch.length === 0) break;
        const opened = await source.open(batch);
        if (opened.some((o) => 'error' in o)) throw new Error('decryption failed');
        read += batch.length;
        from = batch[batch.length - 1].position;
      }
      close();
      if (comparePositions(from, START) <= 0) throw new Error('nothing read');
      return { events: read, rate: (read * 1e9) / Number(process.hrtime.bigint() - started) };
    };
    const rebuildAll = async () => {
      const { source, close } = stores.freshSource();
      const report = await rebuild({ db: kyselyOver(ctx.db.pools.owner), pool: ctx.db.pools.owner, source, projections: stores.projections, restart: true });
      close();
      return { events: report.events, rate: report.events / report.seconds };
    };
    const rounds: { read: number; rebuild: number }[] = [];
    let read = 0;
    for (let round = 0; round < 2; round++) {
      const r = await readOnly();
      const b = await rebuildAll();
      read = r.events;
      rounds.push({ read: r.rate, rebuild: b.rate });
      ctx.log.info(`rebuild round ${round + 1}: rebuild ${b.events} events at ${b.rate.toFixed(0)}/s; read+decrypt only ${r.events} at ${r.rate.toFixed(0)}/s`);
    }
    // Not the result, printed for the analysis: the same read and the same rebuild with every data
    // key already unwrapped (a cache large enough for all of them, filled by a first pass, with a TTL
    // longer than the run). The difference is what loading the keys costs (one keyvault query and
    // one unwrap per stream), a cost the cold baseline and the rebuild share.
    const warmKeys = new DataKeys({ store: new KeyStore(ctx.db.pools.app), provider: stores.provider, cache: new DekCache({ maxEntries: 2_000_000, ttlMs: 6 * 3_600_000 }) });
    const warmSource = { source: new DecryptingEventSource(stores.raw, new EncryptedEventStore({ inner: stores.raw, keys: warmKeys })), close: () => undefined };
    try {
      await readOnly(warmSource);
      const missesBefore = warmKeys.cache.stats.misses;
      const warmRead = await readOnly(warmSource);
      const warmRebuild = await rebuild({ db: kyselyOver(ctx.db.pools.owner), pool: ctx.db.pools.owner, source: warmSource.source, projections: stores.projections, restart: true });
      const misses = warmKeys.cache.stats.misses - missesBefore;
      const warmRebuildRate = warmRebuild.events / warmRebuild.seconds;
      const coldRead = Math.max(...rounds.map((r) => r.read));
      ctx.log.info(
        `rebuild, every key already cached (${misses} cache misses): rebuild ${warmRebuildRate.toFixed(0)}/s, read+decrypt ${warmRead.rate.toFixed(0)}/s, ratio ${(warmRebuildRate / warmRead.rate).toFixed(3)}; ` +
          `loading the keys takes ${(100 * (1 - coldRead / warmRead.rate)).toFixed(0)}% of the cold read`,
      );
    } finally {
      warmKeys.close();
    }
    const rebuildRate = Math.max(...rounds.map((r) => r.rebuild));
    const readRate = Math.max(...rounds.map((r) => r.read));
    return [
      {
        name: 'rebuild',
        metric: 'throughput',
        value: round(rebuildRate),
        unit: 'events/s',
        baseline: `reading and decrypting the same ${read} events (batches of 1000, cold key cache) without projecting`,
        baseline_value: round(readRate),
        ratio: Math.round((rebuildRate / readRate) * 1000) / 1000,
      },
    ];
  } finally {
    await stores.close();
  }
}
