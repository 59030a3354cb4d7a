export type BenchScaleName = 'small' | 'default' | 'large';

export interface BenchScale {
  readonly name: BenchScaleName;
  readonly factor: number;
  /** `base` (sized for the default scale) times the factor, at least 1. */
  n(base: number): number;
}

const FACTORS: Record<BenchScaleName, number> = { small: 0.2, default: 1, large: 5 };

export function benchScale(name: string | undefined): BenchScale {
  const chosen = (name || 'default') as BenchScaleName;
  const factor = FACTORS[chosen];
  if (factor === undefined) throw new Error(`BENCH_SCALE must be one of ${Object.keys(FACTORS).join(', ')} (got ${name})`);
  return { name: chosen, factor, n: (base) => Math.max(1, Math.round(base * factor)) };
}
