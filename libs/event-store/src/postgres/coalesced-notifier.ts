import type pg from 'pg';

/**
 * Wakes subscribers after appends commit. NOTIFY inside the append would hold the server's global
 * notify lock during every commit; here at most one NOTIFY is in flight and any number of appends
 * that finish meanwhile share the next one. A lost NOTIFY only delays subscribers until their poll.
 */
export class CoalescedNotifier {
  private inFlight = false;
  private pending = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
  ) {}

  poke(): void {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.pool
      .query('select pg_notify($1, null)', [this.channel])
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = false;
        if (this.pending) {
          this.pending = false;
          this.poke();
        }
      });
  }

  /** Resolves once no NOTIFY is outstanding (for shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight || this.pending) await new Promise((r) => setTimeout(r, 5));
  }
}
