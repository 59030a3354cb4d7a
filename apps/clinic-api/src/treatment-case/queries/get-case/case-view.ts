import { type CaseState, nextAction, type NextAction } from '@ortholedger/domain';

/** The case's workflow state: ids, statuses, versions and stages. No clinical content, so clinic staff may read it. */
export interface CaseView {
  caseId: string;
  patientId: string;
  clinicId: string;
  treatingOrthodontistId: string;
  status: string;
  nextAction: NextAction;
  arches: string;
  series: string;
  refinements: number;
  plans: { planId: string; version: number; series: string; stages: { upper?: number; lower?: number }; decision: string }[];
  findingIds: string[];
  scanIds: string[];
  checkIds: string[];
  orders: { orderId: string; planVersion: number; stageFrom: number; stageTo: number; shipped: boolean }[];
  worn?: { planVersion: number; maxShippedStage: number };
  entries: { entryId: string; type: string }[];
  openedAt: string;
  closedAt?: string;
  revision: number;
}

export function caseView(state: Exclude<CaseState, { status: 'NotOpened' }>, revision: bigint): CaseView {
  const { entries, orders, ...facts } = state;
  return {
    ...facts,
    nextAction: nextAction(state),
    orders: Object.entries(orders).map(([orderId, order]) => ({ orderId, ...order })),
    entries: Object.entries(entries).map(([entryId, type]) => ({ entryId, type })),
    revision: Number(revision),
  };
}
