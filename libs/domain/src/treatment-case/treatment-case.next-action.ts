import { assertNever } from '../shared/decider';
import type { CaseState } from './treatment-case.state';

export type NextAction =
  | 'not_opened'
  | 'awaiting_findings'
  | 'awaiting_plan'
  | 'awaiting_approval'
  | 'awaiting_order'
  | 'awaiting_shipment'
  | 'in_treatment'
  | 'closed';

/** What the case is waiting for, for work queues and case boards. */
export function nextAction(state: CaseState): NextAction {
  switch (state.status) {
    case 'NotOpened':
      return 'not_opened';
    case 'Open':
      return state.findingIds.length === 0 ? 'awaiting_findings' : 'awaiting_plan';
    case 'RevisionRequested':
    case 'Refinement':
      return 'awaiting_plan';
    case 'PlanProposed':
      return 'awaiting_approval';
    case 'PlanApproved':
      return 'awaiting_order';
    case 'AlignersOrdered':
      return 'awaiting_shipment';
    case 'InTreatment':
      return 'in_treatment';
    case 'Completed':
    case 'Cancelled':
      return 'closed';
    default:
      return assertNever(state, 'case state');
  }
}
