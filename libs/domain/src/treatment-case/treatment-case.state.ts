import { assertNever } from '../shared/decider';
import type { ArchSelection, PlanSeries, StagesPerArch } from './treatment-case.commands';
import type { CaseEvent, CaseEventType } from './treatment-case.events';

export type PlanDecision = 'proposed' | 'approved' | 'revision_requested';

export interface PlanVersionState {
  planId: string;
  version: number;
  series: PlanSeries;
  stages: StagesPerArch;
  decision: PlanDecision;
}

export interface OrderState {
  planVersion: number;
  stageFrom: number;
  stageTo: number;
  shipped: boolean;
  /** Void: superseded by a refinement or the case's cancellation before it shipped; it can no longer ship. */
  voided?: boolean;
}

/** Which aligners the patient can be wearing: the plan of the latest shipment, up to its highest shipped stage. */
export interface WornAligners {
  planVersion: number;
  maxShippedStage: number;
}

export const ACTIVE_CASE_STATUSES = [
  'Open',
  'PlanProposed',
  'RevisionRequested',
  'PlanApproved',
  'AlignersOrdered',
  'InTreatment',
  'Refinement',
] as const;
export const CLOSED_CASE_STATUSES = ['Completed', 'Cancelled'] as const;

export type ActiveCaseStatus = (typeof ACTIVE_CASE_STATUSES)[number];
export type ClosedCaseStatus = (typeof CLOSED_CASE_STATUSES)[number];
export type CaseStatus = ActiveCaseStatus | ClosedCaseStatus;

/** Ids and workflow facts only; clinical content (diagnosis, notes) lives in the events and read models. */
export interface CaseFacts {
  caseId: string;
  patientId: string;
  clinicId: string;
  treatingOrthodontistId: string;
  arches: ArchSelection;
  series: PlanSeries;
  refinements: number;
  /** In version order; index i holds version i + 1. */
  plans: PlanVersionState[];
  findingIds: string[];
  scanIds: string[];
  /**
   * entryId of each ScanAttached -> its kind, arch and size as corrected so far, so a correction of
   * one field is checked against the others. Absent in states folded before it was kept.
   */
  scans?: Readonly<Record<string, ScanFacts>>;
  checkIds: string[];
  /**
   * entryId of each ProgressCheckRecorded -> the highest stage shipped when it was recorded: a
   * correction of its stage is checked against what the patient could wear then, not now.
   */
  checkStageLimits?: Readonly<Record<string, number>>;
  orders: Readonly<Record<string, OrderState>>;
  worn?: WornAligners;
  /** entryId -> event type of every entry in the case, for corrections and idempotency. */
  entries: Readonly<Record<string, CaseEventType>>;
  openedAt: string;
}

export interface ScanFacts {
  kind: string;
  arch?: string;
  sizeBytes: number;
}

export interface NotOpenedCase {
  status: 'NotOpened';
}
export type ActiveCase = CaseFacts & { status: ActiveCaseStatus };
export type ClosedCase = CaseFacts & { status: ClosedCaseStatus; closedAt: string };
export type CaseState = NotOpenedCase | ActiveCase | ClosedCase;

export const initialCaseState = (): CaseState => ({ status: 'NotOpened' });

export const isClosed = (state: CaseState): state is ClosedCase =>
  (CLOSED_CASE_STATUSES as readonly string[]).includes(state.status);

export const latestPlan = (state: CaseFacts): PlanVersionState | undefined => state.plans[state.plans.length - 1];

export const maxStage = (stages: StagesPerArch): number => Math.max(stages.upper ?? 0, stages.lower ?? 0);

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseOpened') {
    const { data } = event;
    return {
      status: 'Open',
      caseId: data.caseId,
      patientId: data.patientId,
      clinicId: data.clinicId,
      treatingOrthodontistId: data.treatingOrthodontistId,
      arches: data.arches,
      series: 'initial',
      refinements: 0,
      plans: [],
      findingIds: [],
      scanIds: [],
      checkIds: [],
      orders: {},
      entries: { [data.entryId]: event.type },
      openedAt: data.occurredAt,
    };
  }
  // decide writes nothing before CaseOpened; replay such events as no-ops.
  if (state.status === 'NotOpened') return state;
  if (isClosed(state)) {
    // After closing decide writes corrections only: they are tracked as entries and leave the case closed.
    if (event.type !== 'EntryCorrected') return state;
    return correctScan({ ...state, entries: { ...state.entries, [event.data.entryId]: event.type } }, event);
  }
  return applyToOpened({ ...state, entries: { ...state.entries, [event.data.entryId]: event.type } }, event);
}

function applyToOpened(state: ActiveCase, event: Exclude<CaseEvent, { type: 'CaseOpened' }>): CaseState {
  switch (event.type) {
    case 'ClinicalFindingsRecorded':
      return { ...state, findingIds: [...state.findingIds, event.data.findingId] };
    case 'ScanAttached': {
      const { entryId, scanId, kind, arch, sizeBytes } = event.data;
      const facts: ScanFacts = arch === undefined ? { kind, sizeBytes } : { kind, arch, sizeBytes };
      return { ...state, scanIds: [...state.scanIds, scanId], scans: { ...state.scans, [entryId]: facts } };
    }
    case 'TreatmentPlanProposed': {
      const { planId, version, series, stages } = event.data;
      return {
        ...state,
        status: 'PlanProposed',
        plans: [...state.plans, { planId, version, series, stages, decision: 'proposed' }],
      };
    }
    case 'TreatmentPlanApproved':
      return { ...state, status: 'PlanApproved', plans: decidePlan(state.plans, event.data.version, 'approved') };
    case 'PlanRevisionRequested':
      return {
        ...state,
        status: 'RevisionRequested',
        plans: decidePlan(state.plans, event.data.version, 'revision_requested'),
      };
    case 'AlignersOrdered': {
      const { orderId, planVersion, stageFrom, stageTo } = event.data;
      const orders = { ...state.orders, [orderId]: { planVersion, stageFrom, stageTo, shipped: false } };
      return { ...state, status: state.status === 'PlanApproved' ? 'AlignersOrdered' : state.status, orders };
    }
    case 'AlignersShipped':
      return shipOrder(state, event.data.orderId);
    case 'ProgressCheckRecorded':
      return {
        ...state,
        checkIds: [...state.checkIds, event.data.checkId],
        checkStageLimits: { ...state.checkStageLimits, [event.data.entryId]: state.worn?.maxShippedStage ?? 0 },
      };
    case 'RefinementStarted':
      return {
        ...state,
        status: 'Refinement',
        series: 'refinement',
        refinements: event.data.refinementNumber,
        orders: voidOrders(state.orders, event.data.voidedOrderIds),
      };
    case 'CaseCompleted':
      return { ...state, status: 'Completed', closedAt: event.data.occurredAt };
    case 'CaseCancelled':
      return { ...state, status: 'Cancelled', closedAt: event.data.occurredAt, orders: voidOrders(state.orders, event.data.voidedOrderIds) };
    case 'EntryCorrected':
      // Corrections amend record content, which state does not hold (but a scan's facts); the entry itself is tracked above.
      return correctScan(state, event);
    default:
      return assertNever(event, 'case event');
  }
}

/** A scan correction's kind and arch (arch null: cleared) applied to the scan's facts. */
function correctScan<S extends CaseFacts>(state: S, event: Extract<CaseEvent, { type: 'EntryCorrected' }>): S {
  const { correctedType, correctsEntryId, replacement } = event.data;
  const before = state.scans?.[correctsEntryId];
  if (correctedType !== 'ScanAttached' || !before) return state;
  const next: ScanFacts = { ...before };
  if (typeof replacement.kind === 'string') next.kind = replacement.kind;
  if (replacement.arch === null) delete next.arch;
  else if (typeof replacement.arch === 'string') next.arch = replacement.arch;
  return { ...state, scans: { ...state.scans, [correctsEntryId]: next } };
}

function voidOrders(orders: Readonly<Record<string, OrderState>>, ids: readonly string[] | undefined): Readonly<Record<string, OrderState>> {
  if (!ids || ids.length === 0) return orders;
  const next = { ...orders };
  for (const id of ids) if (Object.hasOwn(next, id) && !next[id].shipped) next[id] = { ...next[id], voided: true };
  return next;
}

const decidePlan = (plans: PlanVersionState[], version: number, decision: PlanDecision): PlanVersionState[] =>
  plans.map((plan) => (plan.version === version ? { ...plan, decision } : plan));

function shipOrder(state: ActiveCase, orderId: string): CaseState {
  const order = Object.hasOwn(state.orders, orderId) ? state.orders[orderId] : undefined;
  if (!order) return state;
  return {
    ...state,
    status: state.status === 'AlignersOrdered' ? 'InTreatment' : state.status,
    orders: { ...state.orders, [orderId]: { ...order, shipped: true } },
    worn: wornAfterShipping(state.worn, order),
  };
}

/** A newer plan's aligners replace the older ones; more of the same plan extends the shipped range. */
function wornAfterShipping(worn: WornAligners | undefined, order: OrderState): WornAligners {
  if (worn && worn.planVersion > order.planVersion) return worn;
  if (worn && worn.planVersion === order.planVersion) {
    return { planVersion: worn.planVersion, maxShippedStage: Math.max(worn.maxShippedStage, order.stageTo) };
  }
  return { planVersion: order.planVersion, maxShippedStage: order.stageTo };
}
