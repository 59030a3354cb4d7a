import { TransientReadError } from './batch-plan';
import type { ProjectionRunner, RunnerLog, StepResult } from './projection-runner';
import { describeError, isTransient, sleep } from './transient';

const retryable = (error: unknown) => error instanceof TransientReadError || isTransient(error);

/**
 * Applies batches until a read comes back short of a full batch (the visible head) or the signal
 * aborts. Transient failures are retried with backoff; anything else propagates.
 */
export async function catchUp(
  runner: ProjectionRunner,
  options: { signal?: AbortSignal; log?: RunnerLog; onBatch?: (result: StepResult) => void; batchSize?: number } = {},
): Promise<void> {
  let backoff = 100;
  let failures = 0;
  while (!options.signal?.aborted && runner.active.length > 0) {
    try {
      const result = await runner.step();
      backoff = 100;
      failures = 0;
      options.onBatch?.(result);
      if (result.caughtUp) return;
    } catch (error) {
      if (!retryable(error)) throw error;
      failures++;
      // Retried without end (a transient cause may last), but not quietly: an alert after 10 failures in a row, then every 100.
      if (failures === 10 || failures % 100 === 0) {
        options.log?.error({ alert: 'projection_retrying', projections: runner.active, failures, ...describeError(error) }, 'projection batch keeps failing; still retrying');
      } else {
        options.log?.warn({ projections: runner.active, ...describeError(error) }, 'projection batch failed; retrying');
      }
      await sleep(backoff, options.signal);
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}

/**
 * The live loop: catch up, sweep erasures when asked, then sleep until `wake` resolves (a NOTIFY
 * or the poll interval). Never throws: an unexpected failure is logged and retried after a pause,
 * because a projection host must not take its process down. A sweep that fails hands its request
 * back (`sweepFailed`): an erasure must not wait for the next erasure to reach stopped projections
 * and shadows, which only sweeps reach.
 */
export async function runLive(
  runner: ProjectionRunner,
  options: { signal: AbortSignal; wake: () => Promise<void>; takeSweepRequest: () => boolean; sweepFailed?: () => void; log?: RunnerLog },
): Promise<void> {
  let backoff = 100;
  while (!options.signal.aborted && runner.active.length > 0) {
    try {
      await catchUp(runner, { signal: options.signal, log: options.log });
      if (options.takeSweepRequest()) {
        try {
          await runner.sweep();
        } catch (error) {
          options.sweepFailed?.();
          throw error;
        }
      }
      backoff = 100;
      await options.wake();
    } catch (error) {
      if (options.signal.aborted) return;
      const level = retryable(error) ? 'warn' : 'error';
      options.log?.[level]({ projections: runner.active, ...describeError(error) }, 'projection runner paused after an error');
      await sleep(backoff, options.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
}
