import type pg from 'pg';

/** How many patients fall where; ids and counts only, nothing decrypted. */
export interface RetentionCounts {
  /** Every case closed before the cutoff, none open: erased by `retention run`. */
  due: number;
  /** At least one case not completed or cancelled. */
  openCase: number;
  /** Every case closed, the last one after the cutoff. */
  closedRecently: number;
  /** The log holds a case the board has not projected yet: decided on the next run. */
  notProjected: number;
  /** Registered, never a case: no closure to count from, so kept (a decision for a person, not this job). */
  withoutCases: number;
}

export interface RetentionCandidates {
  /** Oldest last closure first, so `--limit` takes the longest overdue. */
  due: string[];
  counts: RetentionCounts;
}

// Per patient not yet erased: their cases on the board (status and closedAt are in clear there) and
// the case streams the keyvault files under them, so a board lagging behind the log never makes a
// patient with a newly opened case look closed.
const PER_PATIENT = `
  with board as (
    select b.patient_id,
           count(*)::int as cases,
           count(*) filter (where b.status not in ('Completed', 'Cancelled'))::int as open,
           max(coalesce((b.state->>'closedAt')::timestamptz, b.updated_at)) as last_closed
      from read_models.case_board b
     where not exists (select 1 from keyvault.erasures e where e.subject_id = b.patient_id)
       and ($1::uuid is null or b.patient_id = $1::uuid)
     group by b.patient_id),
  filed as (
    select k.subject_id as patient_id, count(distinct k.stream_id)::int as case_streams
      from keyvault.data_keys k join board on board.patient_id = k.subject_id
     where k.stream_id like 'case-%'
     group by k.subject_id)
  select board.patient_id::text as patient_id,
         case when coalesce(filed.case_streams, 0) > board.cases then 'notProjected'
              when board.open > 0 then 'openCase'
              when board.last_closed >= $2 then 'closedRecently'
              else 'due' end as verdict,
         board.last_closed
    from board left join filed using (patient_id)
   order by board.last_closed, board.patient_id`;

const WITHOUT_CASES = `
  select count(*)::int as n from read_models.patient_directory d
   where not exists (select 1 from read_models.case_board b where b.patient_id = d.patient_id)
     and not exists (select 1 from keyvault.erasures e where e.subject_id = d.patient_id)`;

/** The patients the retention period has run out for, from the read models and the keyvault. */
export async function findRetentionCandidates(pool: pg.Pool, cutoff: Date): Promise<RetentionCandidates> {
  const { rows } = await pool.query<{ patient_id: string; verdict: keyof RetentionCounts }>(PER_PATIENT, [null, cutoff]);
  const counts: RetentionCounts = { due: 0, openCase: 0, closedRecently: 0, notProjected: 0, withoutCases: 0 };
  const due: string[] = [];
  for (const row of rows) {
    counts[row.verdict]++;
    if (row.verdict === 'due') due.push(row.patient_id);
  }
  counts.withoutCases = (await pool.query<{ n: number }>(WITHOUT_CASES)).rows[0].n;
  return { due, counts };
}

/** Asked again just before a patient is erased: a case opened since the report keeps them. */
export async function isStillDue(pool: pg.Pool, patientId: string, cutoff: Date): Promise<boolean> {
  const { rows } = await pool.query<{ verdict: string }>(PER_PATIENT, [patientId, cutoff]);
  return rows.length === 1 && rows[0].verdict === 'due';
}
