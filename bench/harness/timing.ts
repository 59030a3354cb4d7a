import type { BenchResult } from './bench.types';

/** Monotonic nanoseconds. */
export const now = (): bigint => process.hrtime.bigint();

export const msSince = (start: bigint): number => Number(now() - start) / 1e6;

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = now();
  const value = await fn();
  return { ms: msSince(start), value };
}

export const perSecond = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : 0);

/** Nearest-rank percentile of `samples` (need not be sorted); p in [0, 100]. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(samplesMs: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  return {
    p50: percentile(samplesMs, 50),
    p95: percentile(samplesMs, 95),
    p99: percentile(samplesMs, 99),
    max: percentile(samplesMs, 100),
  };
}

/**
 * Runs `count` operations over `concurrency` workers; each operation is timed. Stops taking new
 * work once `budgetMs` has passed, so a slow machine shortens a run instead of stalling it.
 */
export async function runWorkers(options: {
  count: number;
  concurrency: number;
  budgetMs?: number;
  op: (index: number, worker: number) => Promise<void>;
}): Promise<{ done: number; ms: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const start = now();
  const deadline = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const worker = async (w: number) => {
    while (next < options.count && msSince(start) < deadline) {
      const index = next++;
      const t = now();
      await options.op(index, w);
      latenciesMs.push(msSince(t));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, (_, w) => worker(w)));
  return { done: latenciesMs.length, ms: msSince(start), latenciesMs };
}

/** A throughput result; ratio = value / baseline_value (higher is better for ours). */
export function throughputResult(r: {
  name: string;
  value: number;
  baseline: string;
  baselineValue: number;
  unit?: string;
}): BenchResult {
  return {
    name: r.name,
    metric: 'throughput',
    value: round(r.value),
    unit: r.unit ?? 'events/s',
    baseline: r.baseline,
    baseline_value: round(r.baselineValue),
    ratio: r.baselineValue > 0 ? Math.round((r.value / r.baselineValue) * 1000) / 1000 : null,
  };
}

export function skippedResult(name: string, metric: string, unit: string, reason: string): BenchResult {
  return { name, metric, value: null, unit, baseline: `skipped: ${reason}`, baseline_value: null, ratio: null };
}

const round = (v: number): number => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100);
