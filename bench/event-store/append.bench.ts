/**
 * append_single, append_batch_100: events/s through the EventStore port (PostgreSQL adapter) vs a
 * bare `INSERT ... SELECT FROM unnest` of the same rows into a plain table, same concurrency, same run.
 */
import { PostgresEventStore } from '@ortholedger/event-store';
import type { BenchContext, BenchResult } from '../harness/bench.types';
import { createPlainEventsTable, insertPlain, sampleBatches, toAppend, WorkerStreams } from './event-store-fixtures';

export const names = ['append_single', 'append_batch_100'] as const;

const CONCURRENCY = 4;
const ROUNDS = 2; // port, plain, port, plain: drift on a shared machine hits both sides alike
const PHASE_BUDGET_MS = 20_000;

interface Workload {
  name: (typeof names)[number];
  batchSize: number;
  appends: number;
  appendsPerStream: number;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const { pools } = ctx.db;
  await createPlainEventsTable(ctx.db);
  const store = new PostgresEventStore({ pool: pools.app, pollIntervalMs: 60_000 });
  const workloads: Workload[] = [
    { name: 'append_single', batchSize: 1, appends: ctx.scale.n(4000), appendsPerStream: 10 },
    { name: 'append_batch_100', batchSize: 100, appends: ctx.scale.n(400), appendsPerStream: 10 },
  ];
  const results: BenchResult[] = [];
  try {
    for (const w of workloads) if (ctx.selected(w.name)) results.push(await compare(ctx, store, w));
  } finally {
    await store.close();
  }
  return results;
}

async function compare(ctx: BenchContext, store: PostgresEventStore, w: Workload): Promise<BenchResult> {
  const { runWorkers, perSecond, summarize, throughputResult } = ctx.timing;
  const warmup = Math.max(5, Math.round(w.appends * 0.05));
  const batches = sampleBatches(warmup + w.appends, w.batchSize).map((b) => b.map(toAppend));
  const portStreams = new WorkerStreams('bench_port', w.appendsPerStream);
  const plainStreams = new WorkerStreams('bench_plain', w.appendsPerStream);

  const phase = (side: 'port' | 'plain', from: number, count: number) =>
    runWorkers({
      count,
      concurrency: CONCURRENCY,
      budgetMs: PHASE_BUDGET_MS,
      op: async (i, worker) => {
        const events = batches[from + i];
        if (side === 'port') {
          const { stream, last } = portStreams.next(worker, events.length);
          await store.appendToStream(stream, events, { expectedRevision: last < 0n ? 'no_stream' : last });
        } else {
          const { stream, last } = plainStreams.next(worker, events.length);
          await insertPlain(ctx.db.pools.app, stream, last + 1n, events);
        }
      },
    });

  await phase('port', 0, warmup);
  await phase('plain', 0, warmup);
  const totals = { port: { events: 0, ms: 0, lat: [] as number[] }, plain: { events: 0, ms: 0, lat: [] as number[] } };
  const perRound = Math.floor(w.appends / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const from = warmup + round * perRound;
    for (const side of ['port', 'plain'] as const) {
      const r = await phase(side, from, perRound);
      totals[side].events += r.done * w.batchSize;
      totals[side].ms += r.ms;
      totals[side].lat.push(...r.latenciesMs);
      if (r.done < perRound) ctx.log.info(`${w.name} ${side}: budget reached after ${r.done}/${perRound} appends`);
    }
  }
  for (const side of ['port', 'plain'] as const) {
    const s = summarize(totals[side].lat);
    ctx.log.info(
      `${w.name} ${side}: ${totals[side].events} events in ${totals[side].ms.toFixed(0)} ms; ` +
        `per append p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms (concurrency ${CONCURRENCY})`,
    );
  }
  return throughputResult({
    name: w.name,
    value: perSecond(totals.port.events, totals.port.ms),
    baseline: `bare INSERT ... unnest into a plain table, ${w.batchSize} row(s) per statement, concurrency ${CONCURRENCY}`,
    baselineValue: perSecond(totals.plain.events, totals.plain.ms),
  });
}
