/**
 * `npm run bench [-- --only NAME[,NAME]] [--json] [--scale small|default|large] [--list]`
 * Finds every compiled bench/**\/*.bench.js under dist, runs each against a fresh database, prints a
 * table (or JSON with --json) and writes bench/results/latest.json. See bench/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createBenchDatabase, startBenchServer } from './bench-database';
import type { BenchContext, BenchLogger, BenchModule, BenchResult } from './bench.types';
import { benchScale } from './scale';
import * as timing from './timing';

interface Options {
  only: string[];
  json: boolean;
  list: boolean;
  scale?: string;
}

export function parseArgs(argv: readonly string[]): Options {
  const options: Options = { only: [], json: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--') continue; // `npm run bench -- --only x -- --json` passes a second `--`
    else if (flag === '--only') options.only.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
    else if (flag === '--json') options.json = true;
    else if (flag === '--list') options.list = true;
    else if (flag === '--scale') options.scale = value();
    else throw new Error(`unknown argument ${arg} (expected --only NAME, --json, --scale NAME, --list)`);
  }
  return options;
}

interface BenchFile {
  /** e.g. `event-store/append` for dist/bench/event-store/append.bench.js */
  key: string;
  file: string;
}

export function discover(distBench: string): BenchFile[] {
  const found: BenchFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'harness') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.bench.js')) {
        found.push({ key: path.relative(distBench, full).replace(/\\/g, '/').replace(/\.bench\.js$/, ''), file: full });
      }
    }
  };
  if (fs.existsSync(distBench)) walk(distBench);
  return found;
}

/** A token selects a whole file by `area/name`, `name` or `area`; otherwise it names a bench. */
function fileMatches(key: string, token: string): boolean {
  const parts = key.split('/');
  return token === key || token === parts[parts.length - 1] || token === parts[0];
}

function logger(prefix: string, toStderr: boolean): BenchLogger {
  const write = (line: string) => (toStderr ? process.stderr : process.stdout).write(`[${prefix}] ${line}\n`);
  return {
    info: write,
    debug: (line) => {
      if (process.env.BENCH_VERBOSE) write(line);
    },
  };
}

export function formatTable(results: readonly BenchResult[]): string {
  const fmt = (v: number | null) => (v === null ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const rows = [
    ['name', 'value', 'unit', 'baseline', 'ratio', 'baseline is'],
    ...results.map((r) => [r.name, fmt(r.value), r.unit, fmt(r.baseline_value), r.ratio === null ? '-' : r.ratio.toFixed(3), r.baseline]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const numeric = new Set([1, 3, 4]);
  const line = (row: string[]) =>
    row.map((cell, c) => (c === row.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w, c) => '-'.repeat(c === widths.length - 1 ? 11 : w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export async function main(argv: readonly string[], root: string): Promise<number> {
  let options: Options;
  let scale: ReturnType<typeof benchScale>;
  try {
    options = parseArgs(argv);
    scale = benchScale(options.scale ?? process.env.BENCH_SCALE);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const files = discover(path.join(root, 'dist', 'bench'));
  const log = logger('bench', options.json);
  if (files.length === 0) {
    log.info('no compiled benches under dist/bench: run `npm run build` first');
    return 1;
  }

  const plan: { file: BenchFile; module: BenchModule; whole: boolean }[] = [];
  for (const file of files) {
    const module = require(file.file) as BenchModule;
    if (typeof module.run !== 'function') throw new Error(`${file.key}.bench.js does not export run(ctx)`);
    const whole = options.only.length === 0 || options.only.some((t) => fileMatches(file.key, t));
    const named = !whole && (!module.names || module.names.some((n) => options.only.includes(n)));
    if (whole || named) plan.push({ file, module, whole });
  }
  if (options.list) {
    for (const { file, module } of plan) log.info(`${file.key}: ${module.names?.join(', ') ?? '(names not declared)'}`);
    return 0;
  }
  if (plan.length === 0) {
    log.info(`nothing matches --only ${options.only.join(',')}; benches: ${files.map((f) => f.key).join(', ')}`);
    return 1;
  }

  const server = await startBenchServer(root);
  log.info(`scale ${scale.name}; ${server.embedded ? 'embedded Postgres in .data/bench' : 'DATABASE_URL'}; ${plan.length} bench file(s)`);
  const results: BenchResult[] = [];
  let failed = 0;
  try {
    for (const { file, module, whole } of plan) {
      const selected = (name: string) => whole || options.only.includes(name);
      const db = await createBenchDatabase(server.url);
      const ctx: BenchContext = { db, log: logger(file.key, options.json), scale, timing, selected };
      const started = timing.now();
      try {
        const produced = await module.run(ctx);
        results.push(...produced.filter((r) => selected(r.name)));
        ctx.log.info(`done in ${(timing.msSince(started) / 1000).toFixed(1)} s`);
      } catch (error) {
        failed++;
        ctx.log.info(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      } finally {
        await db.drop();
      }
    }
  } finally {
    await server.stop();
  }

  const out = path.join(root, 'bench', 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  if (options.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else process.stdout.write(`\n${formatTable(results)}\n\nwritten to ${path.relative(root, out)}\n`);
  return failed > 0 ? 1 : 0;
}
