import type pg from 'pg';
import type { FieldCipher } from '@ortholedger/crypto';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { CASE_BOARD } from '../projections/case-board.projector';
import type { CaseSummary } from '../projections/case-board.summary';
import type { SearchScope } from '../search/search.types';

export interface CaseBoardRecord {
  caseId: string;
  patientId: string;
  clinicId: string;
  treatingOrthodontistId: string;
  status: string;
  nextAction: string;
  currentStage: number | null;
  openedAt: string;
  updatedAt: string;
  revision: string;
  /** Only when the caller may read clinical content of this case. */
  summary?: CaseSummary;
}

export interface CaseListQuery {
  readonly scopes: readonly SearchScope[];
  /** Rows matching these scopes come with their (decrypted) clinical summary. */
  readonly clinicalScopes?: readonly SearchScope[];
  readonly status?: string;
  readonly nextAction?: string;
  /** "My cases": the cases whose plan decisions are this orthodontist's (see the filter). */
  readonly treatingOrthodontistId?: string;
  readonly limit: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
}

const toRecord = (r: Record<string, any>): CaseBoardRecord => ({
  caseId: r.case_id,
  patientId: r.patient_id,
  clinicId: r.clinic_id,
  treatingOrthodontistId: r.treating_orthodontist_id,
  status: r.status,
  nextAction: r.next_action,
  currentStage: r.current_stage,
  openedAt: new Date(r.opened_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
  revision: String(r.revision),
});

/** Reads of case_board: work queues filtered by the access scopes in SQL, before the limit. */
export class CaseBoardQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: ReadModelKeys,
  ) {}

  async list(query: CaseListQuery): Promise<{ cases: CaseBoardRecord[]; nextCursor?: string }> {
    if (query.scopes.length === 0) return { cases: [] };
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const scopeSql = (scopes: readonly SearchScope[]) =>
      scopes.length === 0
        ? 'false'
        : scopes
            .map((s) => {
              const parts: string[] = [];
              if (s.clinicId !== undefined) parts.push(`b.clinic_id = ${p(s.clinicId)}::uuid`);
              if (s.careTeamMember !== undefined) parts.push(`exists (select 1 from read_models.care_team t where t.patient_id = b.patient_id and t.user_id = ${p(s.careTeamMember)}::uuid)`);
              return parts.length === 0 ? 'true' : `(${parts.join(' and ')})`;
            })
            .join(' or ');
    const clinical = scopeSql(query.clinicalScopes ?? []);
    const where = [`(${scopeSql(query.scopes)})`];
    if (query.status) where.push(`b.status = ${p(query.status)}`);
    if (query.nextAction) where.push(`b.next_action = ${p(query.nextAction)}`);
    if (query.treatingOrthodontistId) {
      // Whose plan decisions a case is, as the decider has it (requireTreating): the treating orthodontist's,
      // until they hand them over or can no longer act (they left the care team themselves, in
      // care_team_departures, or their account is not an active clinician of the patient's clinic);
      // then those of the orthodontists on the patient's care team. The candidates come from the two
      // indexes (case_board_treating; care_team_user, then case_board_patient), never from a walk over
      // the clinic's whole board.
      const me = p(query.treatingOrthodontistId);
      const handedOver = `(exists (select 1 from read_models.care_team_departures d where d.patient_id = c.patient_id and d.user_id = c.treating_orthodontist_id)
        or not exists (select 1 from read_models.care_team_patients cp join access.users u on u.id = c.treating_orthodontist_id
                        where cp.patient_id = c.patient_id and u.realm = 'clinic' and u.clinic_id = cp.clinic_id
                          and u.disabled_at is null and u.role in ('orthodontist', 'dentist')))`;
      where.push(`b.case_id = any(array(
        select c.case_id from read_models.case_board c where c.treating_orthodontist_id = ${me}::uuid and not ${handedOver}
        union all
        select c.case_id from read_models.care_team t join read_models.case_board c on c.patient_id = t.patient_id
         where t.user_id = ${me}::uuid and t.role = 'orthodontist' and c.treating_orthodontist_id <> ${me}::uuid and ${handedOver}))`);
    }
    const after = decodeCursor(this.keys.cipher(CURSOR_KEY), query.cursor);
    if (after) where.push(`(b.updated_at, b.case_id) < (${p(after.u)}::timestamptz, ${p(after.id)}::uuid)`);
    const { rows } = await this.pool.query(
      `select b.*, (${clinical}) as clinical from read_models.case_board b where ${where.join(' and ')}
        order by b.updated_at desc, b.case_id desc limit ${p(query.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, query.limit).map((r) => (r.clinical ? this.withSummary(r) : toRecord(r)));
    const last = page[page.length - 1];
    return { cases: page, ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(this.keys.cipher(CURSOR_KEY), last) } : {}) };
  }

  async byId(caseId: string, withSummary: boolean): Promise<CaseBoardRecord | undefined> {
    const { rows } = await this.pool.query('select * from read_models.case_board where case_id = $1', [caseId]);
    if (!rows[0]) return undefined;
    return withSummary ? this.withSummary(rows[0]) : toRecord(rows[0]);
  }

  /** For the access guard: whose data a case is. */
  async patientOf(caseId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ patient_id: string }>({
      name: 'read_models_case_patient',
      text: 'select patient_id from read_models.case_board where case_id = $1',
      values: [caseId],
    });
    return rows[0]?.patient_id;
  }

  withSummary(row: Record<string, any>): CaseBoardRecord {
    const summary = this.keys.cipher(CASE_BOARD).decryptJson<CaseSummary>(CASE_BOARD, 'summary', row.case_id, row.summary);
    return { ...toRecord(row), summary };
  }
}

/**
 * The position after a page's last SQL row, sealed (AES-GCM): the list may have dropped that row (a
 * patient the caller no longer reaches), and an open cursor would name the case and the time of its
 * latest activity to them. Under a key of its own (CURSOR_KEY), not the summaries' key: a cursor is
 * sealed for every page with a next page, and those nonces never count against the PHI's key.
 */
function encodeCursor(cipher: FieldCipher, r: CaseBoardRecord): string {
  return cipher.encryptJson(CASE_BOARD, 'cursor', CURSOR_ROW, { u: r.updatedAt, id: r.caseId }).toString('base64url');
}

/** The AAD's row id for cursors: not a row, and never a case id (a cursor opens nowhere else). */
const CURSOR_ROW = 'list-cursor';
/** The FieldCipher key cursors are sealed under, derived from the read-model root apart from the board's own. */
const CURSOR_KEY = 'case_board.cursor';

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Only what encodeCursor writes is accepted (sealed under this board's key; inside, an ISO time that
 * round-trips and a lower-case UUID), so a crafted cursor is a 400, never a cast error in SQL.
 */
function decodeCursor(cipher: FieldCipher, cursor: string | undefined): { u: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = cipher.decryptJson(CASE_BOARD, 'cursor', CURSOR_ROW, Buffer.from(cursor, 'base64url'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { u, id } = value as { u?: unknown; id?: unknown };
      if (typeof u === 'string' && CURSOR_TIME.test(u) && new Date(u).toISOString() === u && typeof id === 'string' && CURSOR_ID.test(id)) return { u, id };
    }
  } catch {
    // fall through
  }
  throw Object.assign(new Error('cursor is not valid'), { code: 'QUERY.INVALID_CURSOR', kind: 'bad_request' });
}
