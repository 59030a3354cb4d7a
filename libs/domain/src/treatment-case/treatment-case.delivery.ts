import { DomainError } from '../shared/domain-error';
import {
  isIntegerInRange,
  optional,
  optionalText,
  requireOneOf,
  requireReason,
  requireText,
  requireUuid,
} from '../shared/validation';
import {
  FITS,
  type CancelCase,
  type OrderAligners,
  type RecordProgressCheck,
  type RecordShipment,
  type StartRefinement,
} from './treatment-case.commands';
import type {
  AlignersOrdered,
  AlignersShipped,
  CaseCancelled,
  CaseCompleted,
  ProgressCheckRecorded,
  RefinementStarted,
} from './treatment-case.events';
import { notAllowedIn, requireNewId, type CaseDecision } from './treatment-case.guards';
import { latestPlan, maxStage, type ActiveCase, type CaseFacts } from './treatment-case.state';

/* From an approved plan to the patient's mouth and out: orders, shipments, checks, refinement, closing. */

export const validateCarrier = (value: unknown) => requireText(value, 'carrier', 100);
export const validateTrackingRef = (value: unknown) => optionalText(value, 'trackingRef', 100);
export const validateFit = (value: unknown) => requireOneOf(value, FITS, 'fit');

/** A stage the patient can be wearing: one of the shipped stages of the plan they received last. */
export function validateCurrentStage(value: unknown, state: CaseFacts): number {
  const last = state.worn?.maxShippedStage ?? 0;
  if (!isIntegerInRange(value, 1, last)) {
    throw new DomainError('VALIDATION.STAGE_OUT_OF_RANGE', `currentStage must be a shipped stage from 1 to ${last}`);
  }
  return value;
}

export function decideOrder(command: OrderAligners['data'], { state, base }: CaseDecision): AlignersOrdered {
  const orderId = requireUuid(command.orderId, 'orderId');
  requireNewId(Object.keys(state.orders), orderId, 'orderId');
  const latest = latestPlan(state);
  if (!latest) throw new DomainError('TREATMENT_CASE.PLAN_NOT_APPROVED', 'no plan has been approved');
  const plan = Number.isInteger(command.planVersion) ? state.plans[command.planVersion - 1] : undefined;
  if (!plan) throw new DomainError('TREATMENT_CASE.PLAN_NOT_FOUND', 'no such plan version in this case');
  if (plan !== latest) {
    throw new DomainError(
      'TREATMENT_CASE.PLAN_NOT_LATEST',
      `version ${plan.version} is superseded by ${latest.version}`,
    );
  }
  if (plan.decision !== 'approved') {
    throw new DomainError('TREATMENT_CASE.PLAN_NOT_APPROVED', `version ${plan.version} is not approved`);
  }
  if (state.status === 'Refinement') throw notAllowedIn(state, 'ordering aligners of the superseded plan');
  const last = maxStage(plan.stages);
  if (!isIntegerInRange(command.stageFrom, 1, last) || !isIntegerInRange(command.stageTo, 1, last)) {
    throw new DomainError('VALIDATION.STAGE_OUT_OF_RANGE', `stages must be within 1 to ${last}`);
  }
  if (command.stageFrom > command.stageTo) {
    throw new DomainError('VALIDATION.INVALID_STAGE_RANGE', 'stageFrom must not exceed stageTo');
  }
  const { stageFrom, stageTo } = command;
  return {
    type: 'AlignersOrdered',
    data: { ...base, orderId, planId: plan.planId, planVersion: plan.version, stageFrom, stageTo },
  };
}

export function decideShipment(command: RecordShipment['data'], { state, base }: CaseDecision): AlignersShipped {
  const orderId = requireUuid(command.orderId, 'orderId');
  const order = Object.hasOwn(state.orders, orderId) ? state.orders[orderId] : undefined;
  if (!order) throw new DomainError('TREATMENT_CASE.ORDER_NOT_FOUND', `order ${orderId} does not exist in this case`);
  if (order.shipped)
    throw new DomainError('TREATMENT_CASE.ORDER_ALREADY_SHIPPED', `order ${orderId} is already shipped`);
  if (order.voided) throw new DomainError('TREATMENT_CASE.ORDER_VOID', `order ${orderId} was voided by a refinement and cannot ship`);
  return {
    type: 'AlignersShipped',
    data: {
      ...base,
      orderId,
      carrier: validateCarrier(command.carrier),
      ...optional('trackingRef', validateTrackingRef(command.trackingRef)),
    },
  };
}

export function decideProgressCheck(
  command: RecordProgressCheck['data'],
  { state, base }: CaseDecision,
): ProgressCheckRecorded {
  if (!state.worn) throw new DomainError('TREATMENT_CASE.NOT_IN_TREATMENT', 'no aligners have been shipped yet');
  const checkId = requireUuid(command.checkId, 'checkId');
  requireNewId(state.checkIds, checkId, 'checkId');
  return {
    type: 'ProgressCheckRecorded',
    data: {
      ...base,
      checkId,
      currentStage: validateCurrentStage(command.currentStage, state),
      fit: validateFit(command.fit),
      ...optional('notes', optionalText(command.notes, 'notes', 10_000)),
    },
  };
}

export function decideRefinement(command: StartRefinement['data'], { state, base }: CaseDecision): RefinementStarted {
  if (state.status !== 'InTreatment') {
    throw new DomainError(
      'TREATMENT_CASE.NOT_IN_TREATMENT',
      `refinement needs a case in treatment, not ${state.status}`,
    );
  }
  const reason = requireReason(command.reason);
  // The refinement replaces the rest of the current plan: its orders not shipped yet will never be
  // worn, so they are void (named for the lab) instead of holding the case's completion for ever.
  const voided = unshippedOrderIds(state);
  return {
    type: 'RefinementStarted',
    data: { ...base, reason, refinementNumber: state.refinements + 1, ...(voided.length > 0 ? { voidedOrderIds: voided } : {}) },
  };
}

/** Orders still due to ship: neither shipped nor void. */
const unshippedOrderIds = (state: ActiveCase): string[] =>
  Object.entries(state.orders)
    .filter(([, order]) => !order.shipped && !order.voided)
    .map(([orderId]) => orderId);

/** A case completes once every aligner it ordered has reached the clinic: after closing, no shipment can be recorded. */
export function decideCompletion({ state, base }: CaseDecision): CaseCompleted {
  if (state.status !== 'InTreatment') {
    throw new DomainError(
      'TREATMENT_CASE.NOT_IN_TREATMENT',
      `only a case in treatment can be completed, not ${state.status}`,
    );
  }
  const unshipped = unshippedOrderIds(state);
  if (unshipped.length > 0) {
    throw new DomainError(
      'TREATMENT_CASE.ORDERS_UNSHIPPED',
      `a case with unshipped aligner orders cannot be completed: ${unshipped.join(', ')}`,
    );
  }
  return { type: 'CaseCompleted', data: base };
}

/**
 * A case can be cancelled whatever its orders (the patient may withdraw at any time). Orders not
 * shipped by then are void: the event names them, for the lab to stop, and no shipment can follow.
 */
export function decideCancellation(command: CancelCase['data'], { state, base }: CaseDecision): CaseCancelled {
  const reason = requireReason(command.reason);
  return { type: 'CaseCancelled', data: { ...base, reason, voidedOrderIds: unshippedOrderIds(state) } };
}
