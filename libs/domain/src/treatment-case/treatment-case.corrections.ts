import { CLINIC_ROLES, requireRole, type Role } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isIntegerInRange, requireReason, requireText, requireUuid } from '../shared/validation';
import type { CorrectEntry, ScanKind } from './treatment-case.commands';
import { validateCarrier, validateFit, validateTrackingRef } from './treatment-case.delivery';
import type { CorrectableEventType, EntryCorrected } from './treatment-case.events';
import { CLINICIANS, requireActiveCase, type CaseDecision } from './treatment-case.guards';
import {
  ARCH_SCAN_KIND,
  MAX_SCAN_BYTES,
  validateConditions,
  validateDiagnosis,
  validateMalocclusionClass,
  validateMeasurements,
  validateNotes,
  validateScanArch,
  validateScanKind,
} from './treatment-case.records';
import { isClosed, type ActiveCase, type CaseFacts, type CaseState, type ClosedCase, type ScanFacts } from './treatment-case.state';

/** Validates a replacement field against the case and the entry it corrects. */
type FieldRule = (value: unknown, state: CaseFacts, entryId: string) => unknown;

/** A correction is decided on an opened case, closed or not. */
export type CorrectionDecision = Omit<CaseDecision, 'state'> & { state: ActiveCase | ClosedCase };

/**
 * Records stay amendable after a case is completed or cancelled (HIPAA right to amend, GDPR
 * rectification). A correction is a new event; it never reopens the case.
 */
export function requireRecordedCase(state: CaseState, caseId: string): ActiveCase | ClosedCase {
  if (!isClosed(state)) return requireActiveCase(state, caseId);
  if (state.caseId !== caseId) throw new DomainError('VALIDATION.ID_MISMATCH', 'caseId does not match the loaded case');
  return state;
}

/**
 * What each kind of entry lets a correction replace, and who may correct it (the roles that
 * record such entries). Identity fields — ids, content hashes, storage refs — are never corrected:
 * a wrong file is a new scan, not a corrected one.
 */
export const CORRECTABLE_ENTRIES: Readonly<
  Record<CorrectableEventType, { roles: readonly Role[]; fields: Readonly<Record<string, FieldRule>> }>
> = {
  CaseOpened: {
    roles: CLINICIANS,
    fields: { chiefComplaint: (value) => requireText(value, 'chiefComplaint', 2000) },
  },
  ClinicalFindingsRecorded: {
    roles: CLINICIANS,
    fields: {
      diagnosis: validateDiagnosis,
      malocclusionClass: validateMalocclusionClass,
      conditions: validateConditions,
      notes: validateNotes,
      measurements: validateMeasurements,
    },
  },
  ScanAttached: {
    roles: CLINIC_ROLES,
    // A correction may clear the arch (null), e.g. of a scan attached as intraoral that was a photo.
    fields: { kind: validateScanKind, arch: (value) => (value === null ? null : validateScanArch(value)) },
  },
  AlignersShipped: {
    roles: ['case_coordinator'],
    fields: { carrier: validateCarrier, trackingRef: validateTrackingRef },
  },
  ProgressCheckRecorded: {
    roles: CLINICIANS,
    fields: { currentStage: (value, state, entryId) => validateStageAtCheck(value, state.checkStageLimits?.[entryId]), fit: validateFit, notes: validateNotes },
  },
};

const isCorrectable = (type: string): type is CorrectableEventType => Object.hasOwn(CORRECTABLE_ENTRIES, type);

/** Field names some entry lets a correction replace: the only replacement keys an error may name. */
const CORRECTABLE_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(CORRECTABLE_ENTRIES).flatMap((rule) => Object.keys(rule.fields)));

export function decideCorrection(command: CorrectEntry['data'], { state, ctx, base }: CorrectionDecision): EntryCorrected {
  const correctsEntryId = requireUuid(command.correctsEntryId, 'correctsEntryId');
  const correctedType = Object.hasOwn(state.entries, correctsEntryId) ? state.entries[correctsEntryId] : undefined;
  if (!correctedType) {
    throw new DomainError('TREATMENT_CASE.ENTRY_NOT_FOUND', `entry ${correctsEntryId} does not exist in this case`);
  }
  if (!isCorrectable(correctedType)) {
    throw new DomainError('TREATMENT_CASE.ENTRY_NOT_CORRECTABLE', `${correctedType} entries cannot be corrected`);
  }
  const rule = CORRECTABLE_ENTRIES[correctedType];
  requireRole(ctx, rule.roles, `correct ${correctedType}`);
  const reason = requireReason(command.reason);

  const replacement = command.replacement;
  if (replacement === null || typeof replacement !== 'object' || Array.isArray(replacement)) {
    throw new DomainError('VALIDATION.EMPTY_CORRECTION', 'replacement must be an object of corrected fields');
  }
  const fields = Object.keys(replacement).filter((key) => replacement[key] !== undefined);
  if (fields.length === 0)
    throw new DomainError('VALIDATION.EMPTY_CORRECTION', 'a correction must change at least one field');
  const validated: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(rule.fields, field)) {
      // A key no entry type declares is client text (it could be a name): it is not echoed.
      throw new DomainError(
        'VALIDATION.CORRECTION_FIELD_NOT_ALLOWED',
        CORRECTABLE_FIELD_NAMES.has(field) ? `${field} of ${correctedType} cannot be corrected` : `an unknown field of ${correctedType} cannot be corrected`,
      );
    }
    validated[field] = rule.fields[field](replacement[field], state, correctsEntryId);
  }
  if (correctedType === 'ScanAttached') checkCorrectedScan(state.scans?.[correctsEntryId], validated);
  return { type: 'EntryCorrected', data: { ...base, correctsEntryId, correctedType, reason, replacement: validated } };
}

/**
 * A progress check's stage, corrected: one the patient could wear when the check was recorded (the
 * stages shipped then, of the plan worn then), not one shipped since or of a later plan.
 */
function validateStageAtCheck(value: unknown, limit: number | undefined): number {
  if (limit === undefined) throw new DomainError('TREATMENT_CASE.ENTRY_NOT_FOUND', 'no such progress check in this case');
  if (!isIntegerInRange(value, 1, limit)) {
    throw new DomainError('VALIDATION.STAGE_OUT_OF_RANGE', `currentStage must be a stage shipped when the check was recorded, from 1 to ${limit}`);
  }
  return value;
}

/**
 * The scan as it will read after the correction (its facts so far with the replacement applied)
 * must still be a valid scan: an arch only on an intraoral scan, a size within its kind's ceiling.
 * Without facts (a case folded before they were kept) only the replacement itself is checked.
 */
function checkCorrectedScan(facts: ScanFacts | undefined, replacement: Record<string, unknown>): void {
  const kind = (replacement.kind ?? facts?.kind) as ScanKind | undefined;
  const arch = replacement.arch === null ? undefined : (replacement.arch ?? facts?.arch);
  if (arch !== undefined && kind !== undefined && kind !== ARCH_SCAN_KIND) {
    throw new DomainError('VALIDATION.INVALID_VALUE', `arch is given for ${ARCH_SCAN_KIND} scans only, not ${String(kind)} (clear it with arch: null)`);
  }
  if (facts && kind !== undefined && facts.sizeBytes > MAX_SCAN_BYTES[kind]) {
    throw new DomainError('VALIDATION.INVALID_SIZE', `a ${kind} record is at most ${MAX_SCAN_BYTES[kind]} bytes; this one is larger`);
  }
}
