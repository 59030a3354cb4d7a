import type pg from 'pg';

/** The event log's newest transaction id is not below the server's counter: `$all` order would break. */
export class TransactionClockBehind extends Error {
  readonly code = 'EVENT_STORE.TRANSACTION_CLOCK_BEHIND';
  constructor() {
    super(
      'this database hands out transaction ids below those already in the event log (restored from a logical dump, or moved by logical replication?): ' +
        'new events would sort before the history in $all and stay unseen by projections. See README "Backups and erasure".',
    );
    this.name = 'TransactionClockBehind';
  }
}

/**
 * `$all` is ordered by the transaction id each event was committed in, which only works while the
 * server's transaction counter stays ahead of every id in the log. A physical restore keeps the
 * counter; a logical one (pg_dump, logical replication, a Blue/Green switch) starts a new cluster's
 * counter low while the rows keep their old ids. Checked at start-up and by readiness (a database
 * can be switched under a running process): one index probe, read-only, no transaction id used.
 * An id at or past the snapshot's xmax has not been handed out by this server yet; an append in
 * flight has an id below it, so concurrent appends never trip the check.
 */
export async function assertTransactionClockAhead(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ behind: boolean | null }>(
    `select (select transaction_id from eventstore.events order by transaction_id desc limit 1) >= pg_snapshot_xmax(pg_current_snapshot()) as behind`,
  );
  if (rows[0]?.behind) throw new TransactionClockBehind();
}
