import { assertNever } from '../shared/decider';
import type { ArchSelection, Fit, PlanSeries, ScanKind } from './treatment-case.commands';
import type { CaseEvent, CorrectableEventType } from './treatment-case.events';
import { maxStage } from './treatment-case.state';

/**
 * What a case event was, without PHI: ids, codes, counts and stage numbers. Diagnosis, notes,
 * comments, reasons and plan details stay out.
 */
export type CaseEventSummary =
  | { kind: 'case_opened'; arches: ArchSelection; treatingOrthodontistId: string }
  | { kind: 'clinical_findings_recorded'; findingId: string }
  | { kind: 'scan_attached'; scanId: string; scanKind: ScanKind }
  | { kind: 'plan_proposed'; planId: string; version: number; series: PlanSeries; stages: number; alignerCount: number }
  | { kind: 'plan_approved'; planId: string; version: number }
  | { kind: 'plan_revision_requested'; planId: string; version: number; comments: number }
  | { kind: 'aligners_ordered'; orderId: string; planVersion: number; stageFrom: number; stageTo: number }
  | { kind: 'aligners_shipped'; orderId: string }
  | { kind: 'progress_check_recorded'; checkId: string; currentStage: number; fit: Fit }
  | { kind: 'refinement_started'; refinementNumber: number; voidedOrderIds?: string[] }
  | { kind: 'case_completed' }
  | { kind: 'case_cancelled'; voidedOrderIds?: string[] }
  | { kind: 'entry_corrected'; correctsEntryId: string; correctedType: CorrectableEventType; fields: string[] };

export function summarizeCaseEvent(event: CaseEvent): CaseEventSummary {
  switch (event.type) {
    case 'CaseOpened':
      return {
        kind: 'case_opened',
        arches: event.data.arches,
        treatingOrthodontistId: event.data.treatingOrthodontistId,
      };
    case 'ClinicalFindingsRecorded':
      return { kind: 'clinical_findings_recorded', findingId: event.data.findingId };
    case 'ScanAttached':
      return { kind: 'scan_attached', scanId: event.data.scanId, scanKind: event.data.kind };
    case 'TreatmentPlanProposed': {
      const { planId, version, series, stages, alignerCount } = event.data;
      return { kind: 'plan_proposed', planId, version, series, stages: maxStage(stages), alignerCount };
    }
    case 'TreatmentPlanApproved':
      return { kind: 'plan_approved', planId: event.data.planId, version: event.data.version };
    case 'PlanRevisionRequested': {
      const { planId, version, comments } = event.data;
      return { kind: 'plan_revision_requested', planId, version, comments: comments.length };
    }
    case 'AlignersOrdered': {
      const { orderId, planVersion, stageFrom, stageTo } = event.data;
      return { kind: 'aligners_ordered', orderId, planVersion, stageFrom, stageTo };
    }
    case 'AlignersShipped':
      return { kind: 'aligners_shipped', orderId: event.data.orderId };
    case 'ProgressCheckRecorded': {
      // Fit is a workflow signal (off-track cases need refinement); the notes are not summarised.
      const { checkId, currentStage, fit } = event.data;
      return { kind: 'progress_check_recorded', checkId, currentStage, fit };
    }
    case 'RefinementStarted': {
      const { refinementNumber, voidedOrderIds } = event.data;
      return voidedOrderIds ? { kind: 'refinement_started', refinementNumber, voidedOrderIds } : { kind: 'refinement_started', refinementNumber };
    }
    case 'CaseCompleted':
      return { kind: 'case_completed' };
    case 'CaseCancelled':
      return event.data.voidedOrderIds ? { kind: 'case_cancelled', voidedOrderIds: event.data.voidedOrderIds } : { kind: 'case_cancelled' };
    case 'EntryCorrected': {
      const { correctsEntryId, correctedType, replacement } = event.data;
      return { kind: 'entry_corrected', correctsEntryId, correctedType, fields: Object.keys(replacement).sort() };
    }
    default:
      return assertNever(event, 'case event');
  }
}
