/**
 * command_latency: an authenticated `record clinical findings` request end to end (HTTP, JWT,
 * session, policy with care-team lookup, audit row, case -> patient lookup, load + fold + decide,
 * AES-256-GCM seal, append with the exact expected revision) vs the access bench's protected no-op
 * read (the same guard and audit row, one indexed SELECT), same app, same pool.
 *   command_latency          p50, one client at a time
 *   command_latency_p99      p99, one client at a time
 *   command_latency_rps16    requests/s with 16 concurrent clients (each on its own cases)
 * Requests rotate over 64 cases so streams stay case-sized (tens of events), as in a clinic.
 */
import type { BenchContext, BenchResult } from '../harness/bench.types';
import { clinicBenchApp } from '../support/clinic-bench-app';

export const names = ['command_latency', 'command_latency_p99', 'command_latency_rps16'] as const;

const CASES = 64;
const CLIENTS = 16;
const ROUNDS = 3;

const findings = (i: number) => ({
  diagnosis: `Moderate anterior crowding, round ${i}`,
  malocclusionClass: 'II_div1',
  conditions: ['crowding'],
  notes: 'Upper midline shifted 1 mm to the left; lower incisors proclined.',
  measurements: { overjet_mm: 4.5, overbite_mm: 3 },
});

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  if (!names.some((n) => ctx.selected(n))) return [];
  const { runWorkers, perSecond, throughputResult, summarize } = ctx.timing;
  const bench = await clinicBenchApp(ctx.db, { patients: CASES, cases: true });
  try {
    const headers = { authorization: `Bearer ${bench.token}` };
    const post = async (caseIndex: number, i: number) => {
      const caseId = bench.patients[caseIndex].caseId!;
      const res = await bench.app.inject({ method: 'POST', url: `/cases/${caseId}/findings`, headers, payload: findings(i) });
      if (res.statusCode !== 201) throw new Error(`command_latency: findings answered ${res.statusCode} ${res.body}`);
    };
    // One client at a time rotates over every case.
    const recordSerial = (i: number) => post(i % CASES, i);
    // Client w only writes cases w, w+16, w+32, w+48: concurrent clients never race on one stream.
    const perClient = new Array<number>(CLIENTS).fill(0);
    const record = (i: number, client: number) => post(client + CLIENTS * (perClient[client]++ % (CASES / CLIENTS)), i);
    const read = async (i: number) => {
      const { patientId } = bench.patients[i % CASES];
      const res = await bench.app.inject({ method: 'GET', url: `/bench/protected/${patientId}`, headers });
      if (res.statusCode !== 200) throw new Error(`command_latency: protected read answered ${res.statusCode}`);
    };
    const n = ctx.scale.n(300);
    const phase = (op: (i: number, w: number) => Promise<void>, concurrency: number) => runWorkers({ count: n, concurrency, budgetMs: 6000, op });

    await phase(recordSerial, 1); // warm-up: JIT, pool connections, DEK cache, prepared plans
    await phase(read, 1);
    const serial = { command: [] as number[], read: [] as number[] };
    const parallel = { command: { done: 0, ms: 0 }, read: { done: 0, ms: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      serial.command.push(...(await phase(recordSerial, 1)).latenciesMs);
      serial.read.push(...(await phase(read, 1)).latenciesMs);
      for (const [key, op] of [['command', record], ['read', read]] as const) {
        const r = await phase(op, CLIENTS);
        parallel[key].done += r.done;
        parallel[key].ms += r.ms;
      }
    }
    const c = summarize(serial.command);
    const r = summarize(serial.read);
    ctx.log.info(`command_latency: findings p50 ${c.p50.toFixed(2)} / p99 ${c.p99.toFixed(2)} ms vs protected read p50 ${r.p50.toFixed(2)} / p99 ${r.p99.toFixed(2)} ms (${serial.command.length} + ${serial.read.length} samples)`);
    const latency = (name: string, metric: string, value: number, baseline: number): BenchResult => ({
      name, metric, value: round(value), unit: 'ms',
      baseline: `${metric} of the protected no-op read (same guard, policy and audit row; one SELECT), app.inject, 1 client; lower is better`,
      baseline_value: round(baseline), ratio: baseline > 0 ? Math.round((value / baseline) * 1000) / 1000 : null,
    });
    return [
      latency('command_latency', 'p50_latency', c.p50, r.p50),
      latency('command_latency_p99', 'p99_latency', c.p99, r.p99),
      throughputResult({
        name: 'command_latency_rps16',
        unit: 'requests/s',
        value: perSecond(parallel.command.done, parallel.command.ms),
        baseline: `the protected no-op read, ${CLIENTS} concurrent clients, app.inject`,
        baselineValue: perSecond(parallel.read.done, parallel.read.ms),
      }),
    ].filter((result) => ctx.selected(result.name) || ctx.selected('command_latency'));
  } finally {
    await bench.close();
  }
}

const round = (v: number): number => Math.round(v * 100) / 100;
