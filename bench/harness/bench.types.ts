import type pg from 'pg';
import type { DatabasePools } from '@ortholedger/platform';
import type { BenchScale } from './scale';
import type * as timing from './timing';

/** One line of `bench/results/latest.json` (DESIGN.md, Runtime contract). */
export interface BenchResult {
  readonly name: string;
  readonly metric: string;
  /** null when the bench was skipped; `baseline` then says why. */
  readonly value: number | null;
  readonly unit: string;
  /** What the figure is compared with, measured in the same run. */
  readonly baseline: string;
  readonly baseline_value: number | null;
  /** value / baseline_value; for throughput, higher is better. */
  readonly ratio: number | null;
}

export interface BenchDatabase {
  readonly name: string;
  /** Owner URL of the fresh database (migrations are applied). */
  readonly url: string;
  /** `owner` migrates and owns; `app` is the least-privilege role the services run as. */
  readonly pools: DatabasePools;
  /** A separate owner connection, e.g. for DDL of baseline tables. */
  admin(): Promise<pg.Client>;
}

export interface BenchLogger {
  info(message: string): void;
  debug(message: string): void;
}

export interface BenchContext {
  /** A fresh, migrated database for this bench module, dropped afterwards. */
  readonly db: BenchDatabase;
  readonly log: BenchLogger;
  readonly scale: BenchScale;
  readonly timing: typeof timing;
  /** Whether the bench `name` was asked for (always true without --only). Skip work that was not. */
  selected(name: string): boolean;
}

export interface BenchModule {
  /** Optional: the bench names the module can produce, so `--only NAME` can skip modules up front. */
  readonly names?: readonly string[];
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
