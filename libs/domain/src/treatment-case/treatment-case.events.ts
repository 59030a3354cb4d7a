import type { Message } from '../shared/decider';
import type {
  ArchSelection,
  ClinicalCondition,
  Fit,
  MalocclusionClass,
  PlannedAttachment,
  PlannedIpr,
  PlanSeries,
  RevisionComment,
  ScanKind,
  StagesPerArch,
} from './treatment-case.commands';

/** Carried by every case event. `entryId` comes from the command; `occurredAt` is ctx.now. */
export interface CaseEventBase {
  caseId: string;
  patientId: string;
  entryId: string;
  occurredAt: string;
}

type CaseEventOf<Type extends string, Data = object> = Message<Type, CaseEventBase & Data>;

export type CaseOpened = CaseEventOf<
  'CaseOpened',
  { clinicId: string; treatingOrthodontistId: string; arches: ArchSelection; chiefComplaint?: string }
>;
export type ClinicalFindingsRecorded = CaseEventOf<
  'ClinicalFindingsRecorded',
  {
    findingId: string;
    diagnosis: string;
    malocclusionClass: MalocclusionClass;
    conditions: ClinicalCondition[];
    notes?: string;
    measurements: Record<string, number>;
  }
>;
export type ScanAttached = CaseEventOf<
  'ScanAttached',
  { scanId: string; kind: ScanKind; contentHash: string; sizeBytes: number; storageRef: string; arch?: ArchSelection }
>;
export type TreatmentPlanProposed = CaseEventOf<
  'TreatmentPlanProposed',
  {
    planId: string;
    version: number;
    series: PlanSeries;
    stages: StagesPerArch;
    alignerCount: number;
    attachments: PlannedAttachment[];
    ipr: PlannedIpr[];
    wearScheduleDays: number;
    notes?: string;
    proposedBy: string;
  }
>;
export type TreatmentPlanApproved = CaseEventOf<
  'TreatmentPlanApproved',
  { planId: string; version: number; approvedBy: string }
>;
export type PlanRevisionRequested = CaseEventOf<
  'PlanRevisionRequested',
  { planId: string; version: number; comments: RevisionComment[]; requestedBy: string }
>;
export type AlignersOrdered = CaseEventOf<
  'AlignersOrdered',
  { orderId: string; planId: string; planVersion: number; stageFrom: number; stageTo: number }
>;
export type AlignersShipped = CaseEventOf<
  'AlignersShipped',
  { orderId: string; carrier: string; trackingRef?: string }
>;
export type ProgressCheckRecorded = CaseEventOf<
  'ProgressCheckRecorded',
  { checkId: string; currentStage: number; fit: Fit; notes?: string }
>;
/** voidedOrderIds: orders of the superseded plan not shipped when the refinement began, now void. Absent in events written before it was recorded. */
export type RefinementStarted = CaseEventOf<'RefinementStarted', { reason: string; refinementNumber: number; voidedOrderIds?: string[] }>;
export type CaseCompleted = CaseEventOf<'CaseCompleted'>;
/** voidedOrderIds: orders unshipped at cancellation, now void. Absent in events written before it was recorded. */
export type CaseCancelled = CaseEventOf<'CaseCancelled', { reason: string; voidedOrderIds?: string[] }>;
export type EntryCorrected = CaseEventOf<
  'EntryCorrected',
  { correctsEntryId: string; correctedType: CorrectableEventType; reason: string; replacement: Record<string, unknown> }
>;

export type CaseEvent =
  | CaseOpened
  | ClinicalFindingsRecorded
  | ScanAttached
  | TreatmentPlanProposed
  | TreatmentPlanApproved
  | PlanRevisionRequested
  | AlignersOrdered
  | AlignersShipped
  | ProgressCheckRecorded
  | RefinementStarted
  | CaseCompleted
  | CaseCancelled
  | EntryCorrected;

export type CaseEventType = CaseEvent['type'];

/**
 * Records can be amended; workflow decisions (plans, approvals, orders, closing) cannot —
 * they are superseded by the next decision instead (a new plan version, a refinement).
 */
export type CorrectableEventType =
  'CaseOpened' | 'ClinicalFindingsRecorded' | 'ScanAttached' | 'AlignersShipped' | 'ProgressCheckRecorded';
