export interface CoalescerOptions {
  /** Keys per statement (default 64). */
  readonly maxBatch?: number;
  /** Statements out at once (default 1): more keys wait for the next one instead. */
  readonly maxInFlight?: number;
}

interface Waiting<K, V> {
  readonly key: K;
  resolve(value: V | PromiseLike<V>): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent lookups into one statement (group commit for reads). No timer: keys leave
 * at the end of the event-loop turn they arrived in (setImmediate), so a lone request waits
 * microseconds, and requests woken together by one answer travel together; keys that arrive while
 * a statement is out wait for it and leave together in the next, so under load many requests share
 * one round trip. A key is always sent after it arrived: no answer is older than its request.
 *
 * `run` answers every key of a batch, in order. An element may itself be a promise (a key that
 * needs a slower follow-up): its waiter adopts it, and the next batch does not wait for it.
 */
export class Coalescer<K, V> {
  private readonly queue: Waiting<K, V>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (keys: readonly K[]) => Promise<ReadonlyArray<V | PromiseLike<V>>>,
    private readonly options: CoalescerOptions = {},
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (!this.scheduled) {
        // After this turn's callbacks: requests woken together by one answer leave together.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    const maxInFlight = this.options.maxInFlight ?? 1;
    while (this.inFlight < maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch ?? 64);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Waiting<K, V>[]): Promise<void> {
    try {
      const answers = await this.run(batch.map((w) => w.key));
      if (answers.length !== batch.length) throw new Error(`coalesced lookup answered ${answers.length} of ${batch.length} keys`);
      batch.forEach((w, i) => w.resolve(answers[i]));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
