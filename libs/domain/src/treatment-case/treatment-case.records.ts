import { requireSameClinic, type CommandContext } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isIntegerInRange, optional, optionalText, requireOneOf, requireText, requireUuid } from '../shared/validation';
import {
  ARCH_SELECTIONS,
  CLINICAL_CONDITIONS,
  MALOCCLUSION_CLASSES,
  SCAN_KINDS,
  type AttachScan,
  type ClinicalCondition,
  type OpenCase,
  type RecordClinicalFindings,
  type ScanKind,
} from './treatment-case.commands';
import type { CaseOpened, ClinicalFindingsRecorded, ScanAttached } from './treatment-case.events';
import { requireNewId, type CaseDecision } from './treatment-case.guards';
import type { CaseState } from './treatment-case.state';

/* Case opening and clinical records: findings and scans may be added whenever the case is not closed. */

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MEASUREMENT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_MEASUREMENTS = 100;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/**
 * Largest file each kind of record may be (DOMAIN.md: 3-15 MB per arch for an intraoral STL/PLY,
 * hundreds of MB to many GB for a CBCT DICOM series). Generous ceilings: they catch a wrong
 * sizeBytes or a wrong kind, not a large but real file.
 */
export const MAX_SCAN_BYTES: Readonly<Record<ScanKind, number>> = {
  intraoral_3d: 1 * GiB,
  cbct: 16 * GiB,
  panoramic: 200 * MiB,
  cephalometric: 200 * MiB,
  photo: 50 * MiB,
};
/** Only an intraoral scan is of an arch; photos and X-rays are not. */
export const ARCH_SCAN_KIND: ScanKind = 'intraoral_3d';

export const validateChiefComplaint = (value: unknown) => optionalText(value, 'chiefComplaint', 2000);
export const validateDiagnosis = (value: unknown) => requireText(value, 'diagnosis', 2000);
export const validateNotes = (value: unknown) => optionalText(value, 'notes', 10_000);
export const validateMalocclusionClass = (value: unknown) =>
  requireOneOf(value, MALOCCLUSION_CLASSES, 'malocclusionClass');
export const validateScanKind = (value: unknown) => requireOneOf(value, SCAN_KINDS, 'kind');
export const validateScanArch = (value: unknown) =>
  value === undefined ? undefined : requireOneOf(value, ARCH_SELECTIONS, 'arch');

export function validateConditions(value: unknown): ClinicalCondition[] {
  if (!Array.isArray(value)) throw new DomainError('VALIDATION.INVALID_VALUE', 'conditions must be a list');
  const conditions = value.map((condition) => requireOneOf(condition, CLINICAL_CONDITIONS, 'conditions[]'));
  if (new Set(conditions).size !== conditions.length) {
    throw new DomainError('VALIDATION.INVALID_VALUE', 'conditions must not repeat');
  }
  return conditions;
}

export function validateMeasurements(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('VALIDATION.INVALID_MEASUREMENT', 'measurements must map names to numbers');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_MEASUREMENTS) {
    throw new DomainError('VALIDATION.INVALID_MEASUREMENT', `at most ${MAX_MEASUREMENTS} measurements`);
  }
  for (const [name, measured] of entries) {
    if (!MEASUREMENT_NAME.test(name) || typeof measured !== 'number' || !Number.isFinite(measured)) {
      throw new DomainError(
        'VALIDATION.INVALID_MEASUREMENT',
        'each measurement needs a short name and a finite number',
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

export function decideOpenCase(command: OpenCase['data'], state: CaseState, ctx: CommandContext): CaseOpened {
  const caseId = requireUuid(command.caseId, 'caseId');
  if (state.status !== 'NotOpened') {
    throw new DomainError('TREATMENT_CASE.ALREADY_OPENED', `case ${caseId} is already open`);
  }
  const clinicId = requireUuid(command.clinicId, 'clinicId');
  requireSameClinic(ctx, clinicId);
  const treatingOrthodontistId = requireUuid(command.treatingOrthodontistId, 'treatingOrthodontistId');
  if (treatingOrthodontistId !== ctx.actor.userId) {
    // The treating doctor opens the case (domain step 3); nobody opens one in a colleague's name.
    throw new DomainError('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST', 'a case is opened by its treating orthodontist');
  }
  const data = {
    caseId,
    patientId: requireUuid(command.patientId, 'patientId'),
    entryId: requireUuid(command.entryId, 'entryId'),
    occurredAt: ctx.now,
    clinicId,
    treatingOrthodontistId,
    arches: requireOneOf(command.arches, ARCH_SELECTIONS, 'arches'),
    ...optional('chiefComplaint', validateChiefComplaint(command.chiefComplaint)),
  };
  if (command.patientConsent?.treatment !== true) {
    throw new DomainError('TREATMENT_CASE.CONSENT_REQUIRED', 'the patient has no active treatment consent');
  }
  return { type: 'CaseOpened', data };
}

export function decideFindings(
  command: RecordClinicalFindings['data'],
  { state, base }: CaseDecision,
): ClinicalFindingsRecorded {
  const findingId = requireUuid(command.findingId, 'findingId');
  requireNewId(state.findingIds, findingId, 'findingId');
  return {
    type: 'ClinicalFindingsRecorded',
    data: {
      ...base,
      findingId,
      diagnosis: validateDiagnosis(command.diagnosis),
      malocclusionClass: validateMalocclusionClass(command.malocclusionClass),
      conditions: validateConditions(command.conditions),
      ...optional('notes', validateNotes(command.notes)),
      measurements: validateMeasurements(command.measurements),
    },
  };
}

export function decideScan(command: AttachScan['data'], { state, base }: CaseDecision): ScanAttached {
  const scanId = requireUuid(command.scanId, 'scanId');
  requireNewId(state.scanIds, scanId, 'scanId');
  if (typeof command.contentHash !== 'string' || !SHA256_HEX.test(command.contentHash)) {
    throw new DomainError('VALIDATION.INVALID_CONTENT_HASH', 'contentHash must be a lower-case SHA-256 hex digest');
  }
  const kind = validateScanKind(command.kind);
  if (!isIntegerInRange(command.sizeBytes, 1, MAX_SCAN_BYTES[kind])) {
    throw new DomainError(
      'VALIDATION.INVALID_SIZE',
      `sizeBytes of a ${kind} record must be a positive integer up to ${MAX_SCAN_BYTES[kind]}`,
    );
  }
  const arch = validateScanArch(command.arch);
  if (arch !== undefined && kind !== ARCH_SCAN_KIND) {
    throw new DomainError('VALIDATION.INVALID_VALUE', `arch is given for ${ARCH_SCAN_KIND} scans only, not ${kind}`);
  }
  return {
    type: 'ScanAttached',
    data: {
      ...base,
      scanId,
      kind,
      contentHash: command.contentHash,
      sizeBytes: command.sizeBytes,
      storageRef: requireText(command.storageRef, 'storageRef', 1024),
      ...optional('arch', arch),
    },
  };
}
