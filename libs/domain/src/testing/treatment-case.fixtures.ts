import type { CaseCommand, CaseCommandType, ProposeTreatmentPlan } from '../treatment-case/treatment-case.commands';
import type { CaseEvent, CaseEventBase, CaseEventType } from '../treatment-case/treatment-case.events';
import { ids, NOW, uuid } from './fixtures';

type EventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;
type CommandOf<T extends CaseCommandType> = Extract<CaseCommand, { type: T }>;
type Payload<T extends CaseEventType> = Omit<EventOf<T>['data'], keyof CaseEventBase>;

export const entryId = (n: number): string => uuid(1000 + n);
export const planId = (version: number): string => uuid(500 + version);
export const orderId = (n: number): string => uuid(600 + n);
export const findingId = (n: number): string => uuid(300 + n);
export const scanId = (n: number): string => uuid(400 + n);
export const checkId = (n: number): string => uuid(700 + n);

/** The entry id every command under test writes with; never used by fixture history. */
export const NEW_ENTRY = uuid(9999);
export const newBase: CaseEventBase = { caseId: ids.case, patientId: ids.patient, entryId: NEW_ENTRY, occurredAt: NOW };

export function caseEvent<T extends CaseEventType>(type: T, entry: number, data: Payload<T>): EventOf<T> {
  return {
    type,
    data: { caseId: ids.case, patientId: ids.patient, entryId: entryId(entry), occurredAt: NOW, ...data },
  } as EventOf<T>;
}

export function caseCommand<T extends CaseCommandType>(
  type: T,
  data: Omit<CommandOf<T>['data'], 'caseId' | 'entryId'>,
): CommandOf<T> {
  // The patient's treatment consent is active unless a test says otherwise.
  return { type, data: { caseId: ids.case, entryId: NEW_ENTRY, patientConsent: { treatment: true }, ...data } } as unknown as CommandOf<T>;
}

export const planContent = (): Omit<
  ProposeTreatmentPlan['data'],
  'caseId' | 'entryId' | 'planId' | 'version' | 'series'
> => ({
  stages: { upper: 20, lower: 18 },
  alignerCount: 38,
  attachments: [
    { tooth: 13, stage: 1 },
    { tooth: 43, stage: 2 },
  ],
  ipr: [{ contact: [11, 21], stage: 3, amountMm: 0.2 }],
  wearScheduleDays: 7,
  notes: 'Retract upper incisors gently',
});

export const opened = (arches: 'upper' | 'lower' | 'both' = 'both') =>
  caseEvent('CaseOpened', 1, {
    clinicId: ids.clinic,
    treatingOrthodontistId: ids.orthodontist,
    arches,
    chiefComplaint: 'Crooked front teeth',
  });
export const findingsRecorded = (n = 1) =>
  caseEvent('ClinicalFindingsRecorded', 100 + n, {
    findingId: findingId(n),
    diagnosis: 'Moderate anterior crowding',
    malocclusionClass: 'II_div1',
    conditions: ['crowding'],
    measurements: { overjet_mm: 4.5 },
  });
export const scanAttached = (n = 1) =>
  caseEvent('ScanAttached', 200 + n, {
    scanId: scanId(n),
    kind: 'intraoral_3d',
    contentHash: 'a'.repeat(64),
    sizeBytes: 9_000_000,
    storageRef: 'scans/blob-0001',
    arch: 'upper',
  });
export const planProposed = (version: number, series: 'initial' | 'refinement' = 'initial') => {
  const { notes: _notes, ...content } = planContent();
  return caseEvent('TreatmentPlanProposed', 300 + version, {
    planId: planId(version),
    version,
    series,
    ...content,
    proposedBy: ids.planner,
  });
};
export const planApproved = (version: number) =>
  caseEvent('TreatmentPlanApproved', 400 + version, { planId: planId(version), version, approvedBy: ids.orthodontist });
export const revisionRequested = (version: number) =>
  caseEvent('PlanRevisionRequested', 500 + version, {
    planId: planId(version),
    version,
    comments: [{ text: 'Less IPR on the lower arch', stage: 3 }],
    requestedBy: ids.orthodontist,
  });
export const aligners = {
  ordered: (n: number, planVersion = 1, stageFrom = 1, stageTo = 20) =>
    caseEvent('AlignersOrdered', 600 + n, {
      orderId: orderId(n),
      planId: planId(planVersion),
      planVersion,
      stageFrom,
      stageTo,
    }),
  shipped: (n: number) =>
    caseEvent('AlignersShipped', 700 + n, { orderId: orderId(n), carrier: 'DHL', trackingRef: 'JD0001' }),
};
export const progressChecked = (n = 1, currentStage = 5) =>
  caseEvent('ProgressCheckRecorded', 800 + n, {
    checkId: checkId(n),
    currentStage,
    fit: 'tracking',
    notes: 'Good seating overall',
  });
export const refinementStarted = (n = 1) =>
  caseEvent('RefinementStarted', 900 + n, { reason: 'Lower canines lagging', refinementNumber: n });
export const completed = () => caseEvent('CaseCompleted', 990, {});
export const cancelled = () => caseEvent('CaseCancelled', 991, { reason: 'Family relocating abroad' });

/** Ready-made histories, one per case status. */
export const history = {
  openNoFindings: (): CaseEvent[] => [opened()],
  open: (): CaseEvent[] => [opened(), findingsRecorded(), scanAttached()],
  planProposed: (): CaseEvent[] => [...history.open(), planProposed(1)],
  revisionRequested: (): CaseEvent[] => [...history.planProposed(), revisionRequested(1)],
  planApproved: (): CaseEvent[] => [...history.planProposed(), planApproved(1)],
  alignersOrdered: (): CaseEvent[] => [...history.planApproved(), aligners.ordered(1)],
  inTreatment: (): CaseEvent[] => [...history.alignersOrdered(), aligners.shipped(1)],
  refinement: (): CaseEvent[] => [...history.inTreatment(), refinementStarted(1)],
  completed: (): CaseEvent[] => [...history.inTreatment(), completed()],
  cancelled: (): CaseEvent[] => [...history.open(), cancelled()],
};
