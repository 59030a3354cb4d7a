import { assertNever } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { requireOneOf, requireUuid } from '../shared/validation';
import {
  PLAN_SERIES,
  type ApprovePlan,
  type ProposeTreatmentPlan,
  type RequestPlanRevision,
} from './treatment-case.commands';
import type { PlanRevisionRequested, TreatmentPlanApproved, TreatmentPlanProposed } from './treatment-case.events';
import { notAllowedIn, requireTreating, type CaseDecision } from './treatment-case.guards';
import { validateComments, validatePlanContent } from './treatment-case.plan-rules';
import { latestPlan, type ActiveCase, type PlanVersionState } from './treatment-case.state';

/* The plan cycle: a planner proposes numbered versions; the treating doctor approves or sends back the latest. */

function requireCanPropose(state: ActiveCase): void {
  switch (state.status) {
    case 'Open':
      if (state.findingIds.length === 0) {
        throw new DomainError('TREATMENT_CASE.FINDINGS_REQUIRED', 'clinical findings must be recorded before a plan');
      }
      return;
    case 'PlanProposed': // a newer version supersedes the pending one
    case 'RevisionRequested':
    case 'Refinement':
      return;
    case 'PlanApproved':
    case 'AlignersOrdered':
    case 'InTreatment':
      throw notAllowedIn(state, 'proposing a plan (start a refinement first)');
    default:
      return assertNever(state.status, 'case status');
  }
}

export function decideProposal(
  command: ProposeTreatmentPlan['data'],
  { state, ctx, base }: CaseDecision,
): TreatmentPlanProposed {
  requireCanPropose(state);
  const planId = requireUuid(command.planId, 'planId');
  const expected = state.plans.length + 1;
  if (command.version !== expected) {
    throw new DomainError('TREATMENT_CASE.PLAN_VERSION_NOT_NEXT', `the next plan version is ${expected}`);
  }
  const series = requireOneOf(command.series, PLAN_SERIES, 'series');
  if (series !== state.series) {
    throw new DomainError('TREATMENT_CASE.PLAN_SERIES_MISMATCH', `the case expects a ${state.series} plan`);
  }
  return {
    type: 'TreatmentPlanProposed',
    data: {
      ...base,
      planId,
      version: expected,
      series,
      ...validatePlanContent(command, state.arches),
      proposedBy: ctx.actor.userId,
    },
  };
}

/** Only the treating doctor, only the latest version, only once. */
function requirePendingPlan(
  command: { planId: string; version: number },
  { state, ctx, team }: CaseDecision,
): PlanVersionState {
  requireTreating(ctx, state, team);
  const latest = latestPlan(state);
  if (!latest) throw new DomainError('TREATMENT_CASE.PLAN_NOT_PROPOSED', 'no plan has been proposed');
  const plan = Number.isInteger(command.version) ? state.plans[command.version - 1] : undefined;
  if (!plan || plan.planId !== command.planId) {
    throw new DomainError('TREATMENT_CASE.PLAN_NOT_FOUND', 'no such plan version in this case');
  }
  if (plan !== latest) {
    throw new DomainError(
      'TREATMENT_CASE.PLAN_NOT_LATEST',
      `version ${plan.version} is superseded by ${latest.version}`,
    );
  }
  if (plan.decision !== 'proposed') {
    throw new DomainError('TREATMENT_CASE.PLAN_ALREADY_DECIDED', `version ${plan.version} is already ${plan.decision}`);
  }
  return plan;
}

export function decideApproval(command: ApprovePlan['data'], decision: CaseDecision): TreatmentPlanApproved {
  const { planId, version } = requirePendingPlan(command, decision);
  return {
    type: 'TreatmentPlanApproved',
    data: { ...decision.base, planId, version, approvedBy: decision.ctx.actor.userId },
  };
}

export function decideRevisionRequest(
  command: RequestPlanRevision['data'],
  decision: CaseDecision,
): PlanRevisionRequested {
  const plan = requirePendingPlan(command, decision);
  const comments = validateComments(command.comments, plan.stages);
  return {
    type: 'PlanRevisionRequested',
    data: {
      ...decision.base,
      planId: plan.planId,
      version: plan.version,
      comments,
      requestedBy: decision.ctx.actor.userId,
    },
  };
}
