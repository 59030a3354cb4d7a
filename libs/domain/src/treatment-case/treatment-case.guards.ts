import type { CommandContext } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import type { CaseEventBase } from './treatment-case.events';
import { isClosed, type ActiveCase, type CaseState } from './treatment-case.state';

export const CLINICIANS = ['orthodontist', 'dentist'] as const;

/** Upper bound on stages per arch, and so on any stage number. */
export const MAX_STAGES = 100;

export function requireActiveCase(state: CaseState, caseId: string): ActiveCase {
  if (state.status === 'NotOpened') {
    throw new DomainError('TREATMENT_CASE.NOT_OPENED', `case ${caseId} has not been opened`);
  }
  if (state.caseId !== caseId) {
    throw new DomainError('VALIDATION.ID_MISMATCH', 'caseId does not match the loaded case');
  }
  if (isClosed(state)) {
    throw new DomainError('TREATMENT_CASE.CLOSED', `case ${caseId} is ${state.status.toLowerCase()}`);
  }
  return state;
}

/**
 * Plan decisions belong to the case's treating doctor, whatever else their role allows. Once that
 * doctor is no longer on the patient's care team (they left it, or the patient was transferred to
 * another clinic and back), the decisions pass to the orthodontists of the care team: the access
 * policy admits only care-team members of the patient's clinic. Without the care-team snapshot the
 * treating doctor alone decides.
 */
export function requireTreating(ctx: CommandContext, state: ActiveCase, careTeam?: readonly string[]): void {
  const treatingStays = careTeam === undefined || careTeam.includes(state.treatingOrthodontistId);
  if (treatingStays ? ctx.actor.userId !== state.treatingOrthodontistId : ctx.actor.role !== 'orthodontist') {
    throw new DomainError('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST', 'only the treating orthodontist may do this');
  }
}

/** Record ids (finding, scan, order, check) are chosen by the caller and must not repeat in a case. */
export function requireNewId(existing: readonly string[], id: string, field: string): void {
  if (existing.includes(id)) {
    throw new DomainError('TREATMENT_CASE.DUPLICATE_ID', `${field} ${id} already exists in this case`);
  }
}

export function notAllowedIn(state: ActiveCase, action: string): DomainError {
  return new DomainError(
    'TREATMENT_CASE.NOT_ALLOWED_IN_STATUS',
    `${action} is not allowed while the case is ${state.status}`,
  );
}

/** What a sub-decider needs besides its command: the case, the caller, and the common event fields. */
export interface CaseDecision {
  state: ActiveCase;
  ctx: CommandContext;
  base: CaseEventBase;
  /** The patient's care team (user ids), a snapshot from the patient stream. */
  careTeam?: readonly string[];
}
