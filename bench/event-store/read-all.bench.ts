/**
 * read_all: events/s reading `$all` through the port (pages of 1000, snapshot-safe ordering) vs a
 * plain keyset `SELECT` of the same rows and columns, same page size, same run.
 */
import { type Position, PostgresEventStore, START } from '@ortholedger/event-store';
import type { BenchContext, BenchResult } from '../harness/bench.types';
import { sampleBatches, toAppend, WorkerStreams } from './event-store-fixtures';

export const names = ['read_all'] as const;

const PAGE = 1000;
const ROUNDS = 3;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const { runWorkers, perSecond, timed, throughputResult } = ctx.timing;
  const pool = ctx.db.pools.app;
  const store = new PostgresEventStore({ pool, pollIntervalMs: 60_000 });
  try {
    const total = ctx.scale.n(50_000);
    const batches = sampleBatches(Math.ceil(total / 100), 100).map((b) => b.map(toAppend));
    const streams = new WorkerStreams('bench_read', 10);
    await runWorkers({
      count: batches.length,
      concurrency: 4,
      op: async (i, w) => {
        const { stream, last } = streams.next(w, batches[i].length);
        await store.appendToStream(stream, batches[i], { expectedRevision: last < 0n ? 'no_stream' : last });
      },
    });
    await pool.query('analyze eventstore.events');
    const expected = batches.length * 100;

    const throughPort = async () => {
      let from: Position = START;
      let count = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
        if (page.length === 0) return count;
        count += page.length;
        from = page[page.length - 1].position;
      }
    };
    const plainSelect = async () => {
      let from = '0';
      let count = 0;
      for (;;) {
        const { rows } = await pool.query<{ global_position: string }>(
          `select global_position, transaction_id::text as transaction_id, stream_id, stream_revision, event_id,
                  event_type, content_type, data, metadata, created_at
             from eventstore.events where global_position > $1 order by global_position limit $2`,
          [from, PAGE],
        );
        if (rows.length === 0) return count;
        count += rows.length;
        from = rows[rows.length - 1].global_position;
      }
    };

    await throughPort(); // warm the cache for both sides
    const totals = { port: { events: 0, ms: 0 }, plain: { events: 0, ms: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, read] of [['port', throughPort], ['plain', plainSelect]] as const) {
        const { ms, value } = await timed(read);
        if (value !== expected) throw new Error(`read_all ${side} read ${value} events, expected ${expected}`);
        totals[side].events += value;
        totals[side].ms += ms;
      }
    }
    ctx.log.info(
      `read_all: ${expected} events x ${ROUNDS}; port ${totals.port.ms.toFixed(0)} ms, plain ${totals.plain.ms.toFixed(0)} ms`,
    );
    return [
      throughputResult({
        name: 'read_all',
        value: perSecond(totals.port.events, totals.port.ms),
        baseline: `plain keyset SELECT of the same rows, ${PAGE} per page`,
        baselineValue: perSecond(totals.plain.events, totals.plain.ms),
      }),
    ];
  } finally {
    await store.close();
  }
}
