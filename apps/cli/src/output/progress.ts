import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * A progress bar with rate and ETA on a terminal; plain lines (every ~10%) otherwise, and nothing on
 * stdout in --json mode so the JSON stays parseable. `start`: where a resumed run begins; the bar
 * starts there and the rate counts only what this run does.
 */
export function createProgress(label: string, total: number, options: { json?: boolean; unit?: string; start?: number } = {}): Progress {
  const unit = options.unit ?? 'events';
  const start = options.start ?? 0;
  const started = Date.now();
  if (options.json) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, start, { rate: 0 });
    return {
      update(done, newTotal) {
        if (newTotal !== undefined) bar.setTotal(newTotal);
        bar.update(done, { rate: rate(done - start, started) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update(done, newTotal) {
      const all = newTotal ?? total;
      const tenth = all === 0 ? 10 : Math.floor((done / all) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${all} ${unit} (${rate(done - start, started)}/s)\n`);
      }
    },
    stop: () => undefined,
  };
}

function rate(done: number, started: number): number {
  const seconds = (Date.now() - started) / 1000;
  return seconds > 0 ? Math.round(done / seconds) : 0;
}
