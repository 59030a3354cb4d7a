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
 * Plan decisions belong to the case's treating doctor, whatever else their role allows, until that
 * doctor hands them over or can no longer act: they left the patient's care team themselves, or
 * their account is no longer an active clinician of the patient's clinic (disabled, role changed,
 * the patient transferred to another clinic). Then the decisions pass to the orthodontists of the
 * care team. Someone else removing the treating doctor from the team passes nothing: the case
 * waits until they are added back or become inactive. Without the team facts the treating doctor
 * alone decides.
 */
export function requireTreating(ctx: CommandContext, state: ActiveCase, team?: PatientTeamFacts): void {
  const treating = state.treatingOrthodontistId;
  const handedOver = team !== undefined && (!team.treatingActive || (team.leftTeam.includes(treating) && !team.careTeam.includes(treating)));
  const allowed = handedOver
    ? ctx.actor.role === 'orthodontist' && team.careTeam.includes(ctx.actor.userId)
    : ctx.actor.userId === treating;
  if (!allowed) {
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
  /** Snapshots from the patient stream and the identity store (see CaseCommandBase). */
  team?: PatientTeamFacts;
}

/** What decides whether plan decisions passed from the treating doctor to the care team. */
export interface PatientTeamFacts {
  careTeam: readonly string[];
  leftTeam: readonly string[];
  treatingActive: boolean;
}
