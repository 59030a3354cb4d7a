import { type CaseEvent, type CaseState, evolveCase, nextAction } from '@ortholedger/domain';
import type { ReadModelKeys } from '../keys/read-model-keys';
import type { CaseBoardPatientsTable, CaseBoardTable } from '../schema/read-model.db';
import { isCaseStream, isPatientStream } from '../runner/decode-event';
import type { BatchChanges, ProjectedEvent, Projection, ProjectionContext } from '../runner/projection';
import { type CaseSummary, evolveSummary } from './case-board.summary';
import { Orphans } from './orphans';
import { bulkWrite, type Column, deleteByIds, selectByIds } from './bulk-write';

export const CASE_BOARD = 'case_board';

/**
 * The domain state as the board keeps it (a plaintext column): without `entries` (every entry id of
 * the case, used only by the deciders for corrections and retries), which would make the row grow
 * with the case, and without `scans` (each scan's kind, arch and size) or `checkStageLimits` (the
 * stage shipped at each progress check), used only by the decider for corrections: they are
 * clinical, and the board never reads them.
 */
export function boardState(state: CaseState): CaseState {
  if (state.status === 'NotOpened') return state;
  const { scans: _scans, checkStageLimits: _checkStageLimits, ...kept } = state;
  return { ...kept, entries: {} };
}

const COLUMNS: readonly Column[] = [
  ['case_id', 'uuid'], ['patient_id', 'uuid'], ['clinic_id', 'uuid'], ['treating_orthodontist_id', 'uuid'], ['status', 'text'],
  ['next_action', 'text'], ['current_stage', 'integer'], ['opened_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ['revision', 'bigint'], ['state', 'jsonb'], ['summary', 'bytea'],
];

interface BoardRow {
  caseId: string;
  state: CaseState;
  /** The patient's clinic: at opening the patient's (the case's own unless the board saw the patient transferred), then every later transfer. */
  clinicId: string;
  summary: CaseSummary;
  revision: bigint;
  updatedAt: string;
}

/**
 * One row per case for work queues ("my cases awaiting approval"): ids, status, next action and
 * current stage in clear, from the domain's own evolve/nextAction; an encrypted short summary.
 * A patient's transfer moves their cases to the new clinic's queues (and out of the old one's), and
 * a case opened after it in the log (the command checked the old clinic just before the transfer)
 * goes to the new clinic too: the board remembers transferred patients' clinics (case_board_patients).
 */
export class CaseBoardProjection implements Projection {
  readonly name = CASE_BOARD;
  readonly version = 3; // 2: clinic_id follows the patient's transfers; 3: also for cases opened after one (case_board_patients), and no scan facts in `state`
  readonly tables = [CASE_BOARD, 'case_board_patients'];
  readonly description = 'cases: patient, clinic, treating orthodontist, status, current stage, next action; encrypted summary';

  constructor(private readonly keys: ReadModelKeys) {}

  handles(event: { streamId: string; type: string }): boolean {
    return isCaseStream(event.streamId) || (isPatientStream(event.streamId) && event.type === 'PatientTransferred');
  }

  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext, changes: BatchChanges): Promise<void> {
    const cipher = this.keys.cipher(CASE_BOARD);
    const live = events.filter((e) => !e.redacted);
    const isTransfer = (e: ProjectedEvent) => e.type === 'PatientTransferred';
    const ids = [...new Set(live.filter((e) => !isTransfer(e)).map((e) => e.data.caseId as string))];
    const transferred = [...new Set(live.filter(isTransfer).map((e) => e.data.patientId as string))];
    const opening = [...new Set(live.filter((e) => e.type === 'CaseOpened').map((e) => e.data.patientId as string))];
    // The clinic of every patient of this batch's openings the board has seen transferred.
    const patientClinic = new Map(
      (opening.length > 0 ? await selectByIds<CaseBoardPatientsTable>(ctx, 'case_board_patients', 'patient_id', opening) : []).map((r) => [r.patient_id, r.clinic_id]),
    );
    const movedPatients = new Set<string>();
    const rows = new Map<string, BoardRow>();
    const loaded = [
      ...(ids.length > 0 ? await selectByIds<CaseBoardTable>(ctx, CASE_BOARD, 'case_id', ids) : []),
      ...(transferred.length > 0 ? await selectByIds<CaseBoardTable>(ctx, CASE_BOARD, 'patient_id', transferred) : []),
    ];
    for (const r of loaded) {
      if (rows.has(r.case_id)) continue; // loaded both as a case of this batch and as a transferred patient's: decrypt once
      rows.set(r.case_id, {
        caseId: r.case_id,
        state: r.state as CaseState,
        clinicId: r.clinic_id,
        summary: cipher.decryptJson<CaseSummary>(CASE_BOARD, 'summary', r.case_id, r.summary),
        revision: BigInt(r.revision),
        updatedAt: new Date(r.updated_at).toISOString(),
      });
    }
    const dirty = new Set<string>();
    const orphans = new Orphans();
    for (const event of live) {
      if (isTransfer(event)) {
        // Every case of the patient known so far moves; a case opened later follows the patient too (below).
        patientClinic.set(event.data.patientId as string, event.data.toClinicId as string);
        movedPatients.add(event.data.patientId as string);
        for (const row of rows.values()) {
          if (row.state.status === 'NotOpened' || row.state.patientId !== event.data.patientId) continue;
          row.clinicId = event.data.toClinicId as string;
          dirty.add(row.caseId);
        }
        changes.subjects.add(event.subjectId!);
        continue;
      }
      const caseId = event.data.caseId as string;
      const row = rows.get(caseId);
      if (!row && event.type !== 'CaseOpened') {
        orphans.add(event);
        continue;
      }
      const state = evolveCase(row?.state ?? { status: 'NotOpened' }, event as unknown as CaseEvent);
      const summary = evolveSummary(row?.summary, event)!;
      const clinicId = row?.clinicId ?? (state.status === 'NotOpened' ? '' : (patientClinic.get(state.patientId) ?? state.clinicId));
      rows.set(caseId, { caseId, state, clinicId, summary, revision: event.revision, updatedAt: event.data.occurredAt });
      dirty.add(caseId);
      changes.subjects.add(event.subjectId!);
    }
    await orphans.check(ctx);
    const values: CaseBoardTable[] = [];
    for (const caseId of dirty) {
      const { state, clinicId, summary, revision, updatedAt } = rows.get(caseId)!;
      if (state.status === 'NotOpened') continue;
      values.push({
        case_id: caseId,
        patient_id: state.patientId,
        clinic_id: clinicId,
        treating_orthodontist_id: state.treatingOrthodontistId,
        status: state.status,
        next_action: nextAction(state),
        current_stage: summary.lastCheck?.stage ?? null,
        opened_at: state.openedAt,
        updated_at: updatedAt,
        revision: revision.toString(),
        state: JSON.stringify(boardState(state)),
        summary: cipher.encryptJson(CASE_BOARD, 'summary', caseId, summary),
      } as CaseBoardTable);
    }
    await bulkWrite(ctx, CASE_BOARD, COLUMNS, values as unknown as Record<string, unknown>[], { key: ['case_id'], update: 'all' });
    const moved = [...movedPatients].map((patientId) => ({ patient_id: patientId, clinic_id: patientClinic.get(patientId)! }));
    await bulkWrite(ctx, 'case_board_patients', [['patient_id', 'uuid'], ['clinic_id', 'uuid']], moved, { key: ['patient_id'], update: 'all' });
    const redacted = [...new Set(events.filter((e) => e.redacted).map((e) => e.subjectId!))];
    await this.eraseSubjects(redacted, ctx);
  }

  async eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void> {
    await deleteByIds(ctx, CASE_BOARD, 'patient_id', subjectIds);
    await deleteByIds(ctx, 'case_board_patients', 'patient_id', subjectIds);
  }
}
