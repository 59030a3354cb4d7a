/**
 * append_vs_emmett: the same events appended through our port and through Emmett's PostgreSQL event
 * store (@event-driven-io/emmett-postgresql, a devDependency of the bench only), same database, same
 * run, same workload: one event per append with the exact expected version, 4 concurrent writers,
 * 10 events per stream. Ratio = ours / Emmett. Reports a skipped line when Emmett is not installed.
 */
import { pathToFileURL } from 'node:url';
import { PostgresEventStore } from '@ortholedger/event-store';
import type { BenchContext, BenchResult } from '../harness/bench.types';
import { sampleBatches, toAppend, WorkerStreams } from './event-store-fixtures';

export const names = ['append_vs_emmett'] as const;

export const EMMETT_VERSION = '0.42.0';
const CONCURRENCY = 4;
const ROUNDS = 2;
const PHASE_BUDGET_MS = 20_000;

// Emmett ships ESM and CJS; tsc (module commonjs) would turn import() into require(), so keep it real.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

interface EmmettStore {
  appendToStream(
    streamName: string,
    events: { type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }[],
    options?: { expectedStreamVersion?: bigint | 'STREAM_DOES_NOT_EXIST' },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
  close(): Promise<void>;
}
interface EmmettPostgres {
  getPostgreSQLEventStore(connectionString: string, options?: Record<string, unknown>): EmmettStore;
}

/** `EMMETT_POSTGRESQL_MODULE` may point at a copy installed elsewhere (a path or a specifier). */
async function loadEmmett(): Promise<EmmettPostgres | string> {
  const configured = process.env.EMMETT_POSTGRESQL_MODULE;
  const specifier = configured ? (configured.startsWith('/') ? pathToFileURL(configured).href : configured) : '@event-driven-io/emmett-postgresql';
  try {
    const mod = (await importEsm(specifier)) as Partial<EmmettPostgres> & { default?: Partial<EmmettPostgres> };
    const api = mod.getPostgreSQLEventStore ? mod : mod.default;
    if (typeof api?.getPostgreSQLEventStore !== 'function') return 'emmett-postgresql loaded but has no getPostgreSQLEventStore';
    return api as EmmettPostgres;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return `emmett not installed (npm install -D --save-exact @event-driven-io/emmett-postgresql@${EMMETT_VERSION})`;
    }
    return `emmett failed to load: ${(error as Error).message}`;
  }
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const { runWorkers, perSecond, summarize, throughputResult, skippedResult } = ctx.timing;
  const emmett = await loadEmmett();
  if (typeof emmett === 'string') {
    ctx.log.info(`append_vs_emmett skipped: ${emmett}`);
    return [skippedResult('append_vs_emmett', 'throughput', 'events/s', emmett)];
  }

  const ours = new PostgresEventStore({ pool: ctx.db.pools.app, pollIntervalMs: 60_000 });
  // Emmett creates its schema on first use, so it connects as the owner; the role does not change speed.
  const theirs = emmett.getPostgreSQLEventStore(ctx.db.url, { schema: { autoMigration: 'CreateOrUpdate' } });
  try {
    const appends = ctx.scale.n(3000);
    const warmup = Math.max(20, Math.round(appends * 0.05));
    const events = sampleBatches(warmup + appends, 1).map((b) => b[0]);
    const ourStreams = new WorkerStreams('bench_ours', 10);
    const emmettStreams = new WorkerStreams('bench_emmett', 10);

    const phase = (side: 'ours' | 'emmett', from: number, count: number) =>
      runWorkers({
        count,
        concurrency: CONCURRENCY,
        budgetMs: PHASE_BUDGET_MS,
        op: async (i, w) => {
          const e = events[from + i];
          if (side === 'ours') {
            const { stream, last } = ourStreams.next(w, 1);
            await ours.appendToStream(stream, [toAppend(e)], { expectedRevision: last < 0n ? 'no_stream' : last });
          } else {
            // Emmett counts versions from 1 (0 = empty stream): after n events the version is n.
            const { stream, last } = emmettStreams.next(w, 1);
            await theirs.appendToStream(stream, [{ type: e.type, data: e.body, metadata: e.metadata }], {
              expectedStreamVersion: last < 0n ? 'STREAM_DOES_NOT_EXIST' : last + 1n,
            });
          }
        },
      });

    await phase('emmett', 0, warmup); // also runs Emmett's schema migration, untimed
    await phase('ours', 0, warmup);
    const totals = { ours: { events: 0, ms: 0, lat: [] as number[] }, emmett: { events: 0, ms: 0, lat: [] as number[] } };
    const perRound = Math.floor(appends / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ['ours', 'emmett'] as const) {
        const r = await phase(side, warmup + round * perRound, perRound);
        totals[side].events += r.done;
        totals[side].ms += r.ms;
        totals[side].lat.push(...r.latenciesMs);
      }
    }
    // Both sides must have stored every event they were timed on.
    const count = async (table: string) => Number((await ctx.db.pools.owner.query(`select count(*) as n from ${table}`)).rows[0].n);
    const stored = { ours: await count('eventstore.events'), emmett: await count('emt_messages') };
    for (const side of ['ours', 'emmett'] as const) {
      if (stored[side] !== warmup + totals[side].events) throw new Error(`${side} stored ${stored[side]} events, expected ${warmup + totals[side].events}`);
    }
    for (const side of ['ours', 'emmett'] as const) {
      const s = summarize(totals[side].lat);
      ctx.log.info(`append_vs_emmett ${side}: ${totals[side].events} events in ${totals[side].ms.toFixed(0)} ms; p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
    }
    return [
      throughputResult({
        name: 'append_vs_emmett',
        value: perSecond(totals.ours.events, totals.ours.ms),
        baseline: `@event-driven-io/emmett-postgresql appendToStream, 1 event per append, expected version, concurrency ${CONCURRENCY}`,
        baselineValue: perSecond(totals.emmett.events, totals.emmett.ms),
      }),
    ];
  } finally {
    await theirs.close();
    await ours.close();
  }
}
