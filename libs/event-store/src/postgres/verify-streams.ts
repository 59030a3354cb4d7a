import type pg from 'pg';

export interface StreamVerification {
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBadStream?: string;
  problem?: string;
}

/**
 * Every stream must hold revisions 0..n without a gap, and its recorded head must equal n. A gap
 * means rows were removed behind the application's back (the trigger disabled by a superuser).
 */
export async function verifyStreams(pool: pg.Pool): Promise<StreamVerification> {
  const result = await pool.query<{
    stream_id: string;
    recorded: string;
    events: string;
    min_rev: string | null;
    max_rev: string | null;
  }>(
    `select s.stream_id, s.revision as recorded, count(e.stream_revision) as events,
            min(e.stream_revision) as min_rev, max(e.stream_revision) as max_rev
       from eventstore.streams s left join eventstore.events e using (stream_id)
      group by s.stream_id, s.revision
      order by s.stream_id`,
  );
  let eventsChecked = 0;
  for (const row of result.rows) {
    const count = BigInt(row.events);
    eventsChecked += Number(count);
    const recorded = BigInt(row.recorded);
    if (count === 0n && recorded < 0n) continue;
    const problem =
      row.min_rev !== '0' && count > 0n
        ? `first revision is ${row.min_rev}, expected 0`
        : count === 0n || BigInt(row.max_rev!) !== count - 1n
          ? `revisions are not contiguous (${count} events, last revision ${row.max_rev ?? 'none'})`
          : BigInt(row.max_rev!) !== recorded
            ? `stream head says ${recorded} but the last event is ${row.max_rev}`
            : undefined;
    if (problem) {
      return { ok: false, streamsChecked: result.rowCount ?? 0, eventsChecked, firstBadStream: row.stream_id, problem };
    }
  }
  return { ok: true, streamsChecked: result.rowCount ?? 0, eventsChecked };
}
