/**
 * rebuild: events/s of a full rebuild of every read model (one pass over the log into shadow
 * tables, then the swap) vs reading and decrypting the same events without projecting, both with
 * a cold key cache and the same reader (batches of 1,000, 16 decryptions in flight).
 */
import { comparePositions, START } from '@ortholedger/event-store';
import { kyselyOver, rebuild } from '@ortholedger/read-models';
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
    const readOnly = async () => {
      const { source, close } = stores.freshSource();
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
