import type pg from 'pg';
import { type EventStore, PostgresEventStore, type Position, StreamNotFound } from '@ortholedger/event-store';
import { CARE_TEAM } from '../projections/care-team.projector';
import { sleep } from '../runner/transient';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOBODY = '00000000-0000-4000-8000-000000000000';

/** Structurally the access lib's CareTeamDirectory (this lib does not import access). */
export interface CareTeamFacts {
  isOnCareTeam(patientId: string, userId: string): Promise<boolean>;
  patientClinic(patientId: string): Promise<string | undefined>;
  patientFacts(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }>;
  patientFactsMany(queries: readonly { patientId: string; userId: string }[]): Promise<ReadonlyArray<{ clinicId?: string; onCareTeam: boolean } | undefined>>;
  patientFactsAll?(queries: readonly { patientId: string; userId: string }[]): Promise<ReadonlyArray<{ clinicId?: string; onCareTeam: boolean }>>;
}

export interface ProjectedCareTeamOptions {
  /** How long an answer may wait for the projection to apply the patient's newest event (default 2 s). */
  readonly consistencyWaitMs?: number;
  /**
   * Transitional: answers for patients the event log has never mentioned (the access lib's interim
   * tables, still seeded by older suites) and for erased ones. Never for a live patient the log knows.
   */
  readonly interim?: CareTeamFacts;
  /**
   * Where the patient's newest event is looked up when the log is not the Postgres adapter's table
   * (EventStoreDB): its newest event through the port, alongside the facts statement. Without it
   * the facts statement reads `eventstore.events` itself (one round trip). See `careTeamHeads`.
   */
  readonly streamHeads?: EventStore;
}

/**
 * The store `ProjectedCareTeamDirectory` must ask for stream heads: none for the Postgres adapter
 * (its table is read in the facts statement), the store itself for any other adapter.
 */
export function careTeamHeads(raw: EventStore): EventStore | undefined {
  return raw instanceof PostgresEventStore ? undefined : raw;
}

/** Thrown when the care_team projection is too far behind to answer: the guard turns it into 503, never a grant. */
export class CareTeamStale extends Error {
  readonly code = 'ACCESS.CARE_TEAM_STALE';
  constructor() {
    super('care-team facts are not current; the care_team projection is behind');
    this.name = 'CareTeamStale';
  }
}

interface Row {
  clinic_id: string | null;
  member: boolean;
  erased: boolean;
  head_commit: string | null;
  head_prepare: string | null;
  at_commit: string | null;
  at_prepare: string | null;
}

/** The facts about one (patient, user) pair, as select-list columns over the given SQL expressions. */
const facts = (patient: string, user: string) => `
  (select clinic_id::text from read_models.care_team_patients p where p.patient_id = ${patient}) as clinic_id,
  exists (select 1 from read_models.care_team t where t.patient_id = ${patient} and t.user_id = ${user}) as member,
  exists (select 1 from keyvault.erasures e where e.subject_id = ${patient}) as erased`;
/** The position of the patient stream's newest event in the Postgres adapter's table, as `h`. */
const head = (patient: string) => `
  left join lateral (select transaction_id, global_position from eventstore.events
                      where stream_id = 'patient-' || ${patient}::text order by stream_revision desc limit 1) h on true`;
const checkpoint = `left join read_models.projection_checkpoints c on c.projection = '${CARE_TEAM}' and c.target = 'live'`;

// One round trip: the facts, the position of the patient's newest event, and how far the projection is.
const FACTS_SQL = `
  select ${facts('$1::uuid', '$2::uuid')},
         h.transaction_id::text as head_commit, h.global_position as head_prepare,
         c.pos_commit as at_commit, c.pos_prepare as at_prepare
    from (select 1) one ${head('$1::uuid')} ${checkpoint}`;

// The same for many (patient, user) pairs in one statement, in order.
const FACTS_MANY_SQL = `
  select f.*, c.pos_commit as at_commit, c.pos_prepare as at_prepare
    from unnest($1::uuid[], $2::uuid[]) with ordinality as q (patient_id, user_id, ord)
    cross join lateral (
      select ${facts('q.patient_id', 'q.user_id')}, h.transaction_id::text as head_commit, h.global_position as head_prepare
        from (select 1) one ${head('q.patient_id')}) f
    ${checkpoint}
   order by q.ord`;

// With heads from the port (EventStoreDB): the same facts without the log's table. The facts and the
// checkpoint still come from one statement, so they agree with each other.
const FACTS_NO_HEAD_SQL = `
  select ${facts('$1::uuid', '$2::uuid')}, c.pos_commit as at_commit, c.pos_prepare as at_prepare
    from (select 1) one ${checkpoint}`;

const FACTS_MANY_NO_HEAD_SQL = `
  select ${facts('q.patient_id', 'q.user_id')}, c.pos_commit as at_commit, c.pos_prepare as at_prepare
    from unnest($1::uuid[], $2::uuid[]) with ordinality as q (patient_id, user_id, ord)
    ${checkpoint}
   order by q.ord`;

/**
 * The access policies' care-team facts from the `care_team` read model, consistent with the log
 * for the patient asked about: an answer is given only once the projection has applied the
 * patient's newest event (a removal or transfer takes effect on the very next request). If the
 * projection cannot get there in time the check fails closed.
 */
export class ProjectedCareTeamDirectory implements CareTeamFacts {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: ProjectedCareTeamOptions = {},
  ) {}

  async isOnCareTeam(patientId: string, userId: string): Promise<boolean> {
    return (await this.patientFacts(patientId, userId)).onCareTeam;
  }

  async patientClinic(patientId: string): Promise<string | undefined> {
    return (await this.patientFacts(patientId, NOBODY)).clinicId;
  }

  /** See projectedFactsMany: one statement for many pairs; undefined where the caller must ask alone. */
  patientFactsMany(queries: readonly { patientId: string; userId: string }[]) {
    return projectedFactsMany(this.pool, queries, this.options.streamHeads);
  }

  /**
   * Every pair answered as `patientFacts` answers one, for a whole list page at once: one statement
   * per round for the pairs still waiting on the projection (never a poller per pair on the pool the
   * projection itself writes through), erased and log-unknown patients asked of the interim tables,
   * and CareTeamStale once the wait is over with any pair still ahead of the projection.
   */
  async patientFactsAll(queries: readonly { patientId: string; userId: string }[]): Promise<Array<{ clinicId?: string; onCareTeam: boolean }>> {
    const answers: Array<{ clinicId?: string; onCareTeam: boolean } | undefined> = queries.map((q) =>
      UUID.test(q.patientId) && UUID.test(q.userId) ? undefined : { onCareTeam: false },
    );
    const deadline = Date.now() + (this.options.consistencyWaitMs ?? 2000);
    for (;;) {
      const open = answers.flatMap((a, i) => (a === undefined ? [i] : []));
      if (open.length === 0) return answers as Array<{ clinicId?: string; onCareTeam: boolean }>;
      const rows = await factsRows(this.pool, open.map((i) => queries[i]), this.options.streamHeads, 'throw');
      const elsewhere: Promise<void>[] = [];
      rows.forEach((row, k) => {
        const i = open[k];
        if (row!.erased || row!.head_commit === null) {
          const { patientId, userId } = queries[i];
          const interim = this.options.interim;
          if (!interim) answers[i] = { onCareTeam: false };
          else elsewhere.push(interim.patientFacts(patientId, userId).then((a) => void (answers[i] = a)));
        } else if (caughtUp(row!)) {
          answers[i] = { clinicId: row!.clinic_id ?? undefined, onCareTeam: row!.member };
        }
      });
      await Promise.all(elsewhere);
      if (answers.every((a) => a !== undefined)) return answers as Array<{ clinicId?: string; onCareTeam: boolean }>;
      if (Date.now() >= deadline) throw new CareTeamStale();
      await sleep(15);
    }
  }

  async patientFacts(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }> {
    if (!UUID.test(patientId) || !UUID.test(userId)) return { onCareTeam: false };
    const deadline = Date.now() + (this.options.consistencyWaitMs ?? 2000);
    for (;;) {
      const row = await this.factsRow(patientId, userId);
      // Erased patients are gone from the read model. While the interim tables exist they still say who
      // was on the care team, so those people learn "erased" (410) from the route rather than a 403.
      if (row.erased || row.head_commit === null) {
        return this.options.interim ? this.options.interim.patientFacts(patientId, userId) : { onCareTeam: false };
      }
      if (caughtUp(row)) return { clinicId: row.clinic_id ?? undefined, onCareTeam: row.member };
      if (Date.now() >= deadline) throw new CareTeamStale();
      await sleep(15);
    }
  }

  private async factsRow(patientId: string, userId: string): Promise<Row> {
    const heads = this.options.streamHeads;
    if (!heads) {
      const { rows } = await this.pool.query<Row>({ name: 'read_models_care_team_facts', text: FACTS_SQL, values: [patientId, userId] });
      return rows[0];
    }
    const [{ rows }, head] = await Promise.all([
      this.pool.query<Row>({ name: 'read_models_care_team_facts_no_head', text: FACTS_NO_HEAD_SQL, values: [patientId, userId] }),
      newestPosition(heads, patientId),
    ]);
    return withHead(rows[0], head);
  }
}

/** Position of the patient stream's newest event, or undefined when the log has none. */
async function newestPosition(store: EventStore, patientId: string): Promise<Position | undefined> {
  try {
    // From the leader: a lagging follower's older head would let a stale checkpoint pass.
    const [newest] = await store.readStream(`patient-${patientId}`, { direction: 'backwards', maxCount: 1, fromLeader: true });
    return newest?.position;
  } catch (error) {
    if (error instanceof StreamNotFound) return undefined;
    throw error;
  }
}

function withHead(row: Row, head: Position | undefined): Row {
  return { ...row, head_commit: head ? head.commit.toString() : null, head_prepare: head ? head.prepare.toString() : null };
}

/**
 * Many pairs in one statement: the settled ones answered, undefined for a pair whose patient is
 * ahead of the projection, erased or unknown to the log, or whose ids are not UUIDs (its own
 * `patientFacts` call then waits, asks the interim tables or denies). A malformed id never enters
 * the shared statement.
 */
async function projectedFactsMany(
  pool: pg.Pool,
  queries: readonly { patientId: string; userId: string }[],
  heads?: EventStore,
): Promise<Array<{ clinicId?: string; onCareTeam: boolean } | undefined>> {
  const valid = queries.flatMap((q, i) => (UUID.test(q.patientId) && UUID.test(q.userId) ? [i] : []));
  const answers: Array<{ clinicId?: string; onCareTeam: boolean } | undefined> = queries.map(() => undefined);
  if (valid.length === 0) return answers;
  // A head that cannot be read leaves that patient's pairs unanswered here (no head, no answer):
  // their own lookups then fail alone instead of failing the whole batch.
  const rows = await factsRows(pool, valid.map((i) => queries[i]), heads, 'unanswered');
  rows.forEach((row, k) => {
    if (row && !row.erased && row.head_commit !== null && caughtUp(row)) answers[valid[k]] = { clinicId: row.clinic_id ?? undefined, onCareTeam: row.member };
  });
  return answers;
}

/**
 * The facts rows of many (valid) pairs in one statement, in order, with the newest position of each
 * patient's stream. Where heads come through the port, a head that cannot be read either leaves its
 * pairs' rows out (`unanswered`: undefined) or fails the call (`throw`).
 */
async function factsRows(
  pool: pg.Pool,
  queries: readonly { patientId: string; userId: string }[],
  heads: EventStore | undefined,
  headFailure: 'unanswered' | 'throw',
): Promise<Array<Row | undefined>> {
  const values = [queries.map((q) => q.patientId), queries.map((q) => q.userId)];
  if (!heads) return (await pool.query<Row>({ name: 'read_models_care_team_facts_many', text: FACTS_MANY_SQL, values })).rows;
  const patients = [...new Set(values[0])];
  const failed = Symbol('head unreadable');
  const [facts, positions] = await Promise.all([
    pool.query<Row>({ name: 'read_models_care_team_facts_many_no_head', text: FACTS_MANY_NO_HEAD_SQL, values }),
    Promise.all(patients.map((p) => (headFailure === 'throw' ? newestPosition(heads, p) : newestPosition(heads, p).catch(() => failed)))),
  ]);
  const headOf = new Map(patients.map((p, k) => [p, positions[k]]));
  return facts.rows.map((row, k) => {
    const head = headOf.get(values[0][k]);
    return head === failed ? undefined : withHead(row, head as Position | undefined);
  });
}

function caughtUp(row: Row): boolean {
  if (row.at_commit === null) return false;
  const at = [BigInt(row.at_commit), BigInt(row.at_prepare!)];
  const head = [BigInt(row.head_commit!), BigInt(row.head_prepare!)];
  return at[0] > head[0] || (at[0] === head[0] && at[1] >= head[1]);
}
