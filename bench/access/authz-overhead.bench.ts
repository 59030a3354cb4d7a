/**
 * authz_overhead: requests/s of a protected read (ES256 JWT via passport-jwt + live session +
 * policy with the projected care-team lookup + one hash-chained audit row, committed before the
 * response leaves) vs the same handler and query behind a public route, same app, same pool.
 *
 * A protected read costs three statements more than an open one (session, care-team facts, audit
 * commit); the facts travel with the session check and the audit commit with the handler.
 * Concurrent requests share them (coalesced reads, group commit), so the ratio depends on how many
 * requests are in flight:
 *   authz_overhead       32 concurrent requests: a loaded API process (the figure held against the goal, >= 0.5)
 *   authz_overhead_c8     8 concurrent requests: a lightly loaded one, reported alongside
 */
import type { BenchContext, BenchResult } from '../harness/bench.types';
import { clinicBenchApp } from '../support/clinic-bench-app';

export const names = ['authz_overhead', 'authz_overhead_c8'] as const;

const LEVELS = [
  { name: names[0], concurrency: 32 },
  { name: names[1], concurrency: 8 },
] as const;
const ROUNDS = 3;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const levels = LEVELS.filter((l) => ctx.selected(l.name));
  if (levels.length === 0) return [];
  const { runWorkers, perSecond, throughputResult, summarize } = ctx.timing;
  const bench = await clinicBenchApp(ctx.db, { patients: 1 });
  const { patientId } = bench.patients[0];
  try {
    const headers = { authorization: `Bearer ${bench.token}` };
    const request = (url: string, withToken: boolean) => async () => {
      const res = await bench.app.inject({ method: 'GET', url, headers: withToken ? headers : {} });
      if (res.statusCode !== 200) throw new Error(`authz_overhead: ${url} answered ${res.statusCode}`);
    };
    const protectedRead = request(`/bench/protected/${patientId}`, true);
    const openRead = request(`/bench/open/${patientId}`, false);
    const n = ctx.scale.n(1500);
    const results: BenchResult[] = [];
    for (const level of levels) {
      const phase = (op: () => Promise<void>) => runWorkers({ count: n, concurrency: level.concurrency, budgetMs: 8000, op });
      await phase(protectedRead); // warm-up: JIT, pool connections, prepared plans
      await phase(openRead);
      const totals = { protected: { done: 0, ms: 0, lat: [] as number[] }, open: { done: 0, ms: 0, lat: [] as number[] } };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [key, op] of [['protected', protectedRead], ['open', openRead]] as const) {
          const r = await phase(op);
          totals[key].done += r.done;
          totals[key].ms += r.ms;
          totals[key].lat.push(...r.latenciesMs);
        }
      }
      const p = summarize(totals.protected.lat);
      const o = summarize(totals.open.lat);
      ctx.log.info(
        `${level.name}: concurrency ${level.concurrency}; p50 ${p.p50.toFixed(2)} ms protected vs ${o.p50.toFixed(2)} ms open; p99 ${p.p99.toFixed(2)} vs ${o.p99.toFixed(2)} ms`,
      );
      results.push(
        throughputResult({
          name: level.name,
          unit: 'requests/s',
          value: perSecond(totals.protected.done, totals.protected.ms),
          baseline: `the same handler and query on a public route (no JWT, session, policy or audit), app.inject, concurrency ${level.concurrency}`,
          baselineValue: perSecond(totals.open.done, totals.open.ms),
        }),
      );
    }
    return results;
  } finally {
    await bench.close();
  }
}
