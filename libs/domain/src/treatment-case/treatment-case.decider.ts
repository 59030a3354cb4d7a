import {
  assertContext,
  CLINIC_ROLES,
  requireRole,
  requireSameClinic,
  type CommandContext,
  type Role,
} from '../shared/actor';
import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { requireUuid } from '../shared/validation';
import type { CaseCommand, CaseCommandType } from './treatment-case.commands';
import { decideCorrection, requireRecordedCase } from './treatment-case.corrections';
import {
  decideCancellation,
  decideCompletion,
  decideOrder,
  decideProgressCheck,
  decideRefinement,
  decideShipment,
} from './treatment-case.delivery';
import type { CaseEvent } from './treatment-case.events';
import { CLINICIANS, requireActiveCase, type CaseDecision, type PatientTeamFacts } from './treatment-case.guards';
import { decideApproval, decideProposal, decideRevisionRequest } from './treatment-case.planning';
import { decideFindings, decideOpenCase, decideScan } from './treatment-case.records';
import { evolveCase, initialCaseState, type CaseFacts, type CaseState } from './treatment-case.state';

/**
 * Role rules that are business rules (who does what in the workflow). Care-team membership,
 * planner assignment and break-glass are access policies and live outside the domain.
 * CorrectEntry is narrowed further by the kind of entry corrected.
 */
export const CASE_COMMAND_ROLES: Readonly<Record<CaseCommandType, readonly Role[]>> = {
  OpenCase: CLINICIANS,
  RecordClinicalFindings: CLINICIANS,
  AttachScan: CLINIC_ROLES,
  ProposeTreatmentPlan: ['treatment_planner'],
  ApprovePlan: CLINICIANS,
  RequestPlanRevision: CLINICIANS,
  OrderAligners: [...CLINICIANS, 'case_coordinator'],
  RecordShipment: ['case_coordinator'],
  RecordProgressCheck: CLINICIANS,
  StartRefinement: CLINICIANS,
  CompleteCase: CLINICIANS,
  CancelCase: CLINICIANS,
  CorrectEntry: [...CLINIC_ROLES, 'case_coordinator'],
};

/**
 * Commands that carry treatment forward need the patient's treatment consent to be active when
 * they are decided, as opening a case does: after a revocation no new findings, scans, plans,
 * approvals, orders, refinements or progress checks. Keeping the record true stays possible:
 * corrections, cancellation, completion, and the shipment of aligners ordered before.
 */
export const TREATMENT_CONSENT_REQUIRED: ReadonlySet<CaseCommandType> = new Set<CaseCommandType>([
  'RecordClinicalFindings', 'AttachScan', 'ProposeTreatmentPlan', 'ApprovePlan', 'RequestPlanRevision', 'OrderAligners', 'RecordProgressCheck', 'StartRefinement',
]);

/**
 * Refusal order: bad context, role, unknown or closed case, other clinic, reused entry id, then the
 * command's own rules. A closed case refuses everything but corrections (see requireRecordedCase).
 */
export function decideCase(command: CaseCommand, state: CaseState, ctx: CommandContext): CaseEvent[] {
  assertContext(ctx);
  requireRole(ctx, CASE_COMMAND_ROLES[command.type], command.type);
  if (command.type === 'OpenCase') return [decideOpenCase(command.data, state, ctx)];

  const caseId = requireUuid(command.data.caseId, 'caseId');
  if (command.type === 'CorrectEntry') {
    return [decideCorrection(command.data, prepare(command, requireRecordedCase(state, caseId), caseId, ctx))];
  }
  const decision: CaseDecision = prepare(command, requireActiveCase(state, caseId), caseId, ctx);

  switch (command.type) {
    case 'RecordClinicalFindings':
      return [decideFindings(command.data, decision)];
    case 'AttachScan':
      return [decideScan(command.data, decision)];
    case 'ProposeTreatmentPlan':
      return [decideProposal(command.data, decision)];
    case 'ApprovePlan':
      return [decideApproval(command.data, decision)];
    case 'RequestPlanRevision':
      return [decideRevisionRequest(command.data, decision)];
    case 'OrderAligners':
      return [decideOrder(command.data, decision)];
    case 'RecordShipment':
      return [decideShipment(command.data, decision)];
    case 'RecordProgressCheck':
      return [decideProgressCheck(command.data, decision)];
    case 'StartRefinement':
      return [decideRefinement(command.data, decision)];
    case 'CompleteCase':
      return [decideCompletion(decision)];
    case 'CancelCase':
      return [decideCancellation(command.data, decision)];
    default:
      return assertNever(command, 'case command');
  }
}

/** The checks every command on an opened case passes, and the common event fields. */
function prepare<S extends CaseFacts>(
  command: Exclude<CaseCommand, { type: 'OpenCase' }>,
  current: S,
  caseId: string,
  ctx: CommandContext,
): Omit<CaseDecision, 'state'> & { state: S } {
  requireSameClinic(ctx, command.data.patientClinicId ?? current.clinicId);
  const entryId = requireUuid(command.data.entryId, 'entryId');
  if (Object.hasOwn(current.entries, entryId)) {
    throw new DomainError('TREATMENT_CASE.DUPLICATE_ENTRY', `entry ${entryId} already exists in this case`);
  }
  if (TREATMENT_CONSENT_REQUIRED.has(command.type) && command.data.patientConsent?.treatment !== true) {
    throw new DomainError('TREATMENT_CASE.CONSENT_REQUIRED', 'the patient has no active treatment consent');
  }
  return {
    state: current,
    ctx,
    base: { caseId, patientId: current.patientId, entryId, occurredAt: ctx.now },
    ...(command.data.patientCareTeam ? { team: teamFacts(command.data) } : {}),
  };
}

function teamFacts(data: CaseCommand['data']): PatientTeamFacts {
  return {
    careTeam: data.patientCareTeam ?? [],
    leftTeam: data.patientLeftTeam ?? [],
    treatingActive: data.treatingDoctorActive !== false,
  };
}

export const treatmentCaseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  decide: decideCase,
  evolve: evolveCase,
  initialState: initialCaseState,
};
