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
    // About 18 events per patient (registration, care team, consent, two cases); 1M events at --scale large.
    const patients = ctx.scale.name === 'large' ? 56_000 : ctx.scale.name === 'small' ? 600 : 3_000;
    const seeded = await writeClinic(stores.encrypted, syntheticClinic({ patients, casesPerPatient: 2, seed: 11 }), { mode: 'batched', concurrency: 8, keep: false });
    ctx.log.info(`rebuild: ${seeded.events} events of ${patients} patients seeded`);

    const readOnly = stores.freshSource();
    const readStarted = process.hrtime.bigint();
    let read = 0;
    let from = START;
    for (;;) {
      const batch = await readOnly.source.read(from, 1000);
      if (batch.length === 0) break;
      const opened = await readOnly.source.open(batch);
      if (opened.some((o) => 'error' in o)) throw new Error('decryption failed');
      read += batch.length;
      from = batch[batch.length - 1].position;
    }
    const readMs = Number(process.hrtime.bigint() - readStarted) / 1e6;
    readOnly.close();
    if (comparePositions(from, START) <= 0) throw new Error('nothing read');

    const projecting = stores.freshSource();
    const report = await rebuild({ db: kyselyOver(ctx.db.pools.owner), pool: ctx.db.pools.owner, source: projecting.source, projections: stores.projections, restart: true });
    projecting.close();
    const rebuildRate = report.events / report.seconds;
    const readRate = (read * 1000) / readMs;
    ctx.log.info(`rebuild: ${report.events} events in ${report.seconds.toFixed(1)} s (${rebuildRate.toFixed(0)}/s); read+decrypt only ${read} in ${(readMs / 1000).toFixed(1)} s (${readRate.toFixed(0)}/s)`);
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
