import type { ProjectedEvent } from '../runner/projection';

/**
 * The case card's short summary (encrypted in case_board.summary): what a clinician wants at a
 * glance. Chief complaint and diagnosis are PHI, hence the encryption.
 */
export interface CaseSummary {
  arches: string;
  chiefComplaint?: string;
  findings?: { entryId: string; diagnosis: string; malocclusionClass: string };
  plan?: { version: number; series: string; alignerCount: number; stages: number; decision: string };
  lastCheck?: { entryId: string; stage: number; fit: string };
  shippedOrders: number;
}

const maxStage = (stages: { upper?: number; lower?: number }) => Math.max(stages.upper ?? 0, stages.lower ?? 0);

/** Folds one case event into the summary; corrections amend the entry they point at, if it is the one shown. */
export function evolveSummary(summary: CaseSummary | undefined, event: ProjectedEvent): CaseSummary | undefined {
  const d = event.data;
  if (event.type === 'CaseOpened') {
    return { arches: d.arches, ...(d.chiefComplaint ? { chiefComplaint: d.chiefComplaint } : {}), shippedOrders: 0 };
  }
  if (!summary) return summary;
  switch (event.type) {
    case 'ClinicalFindingsRecorded':
      return { ...summary, findings: { entryId: d.entryId, diagnosis: d.diagnosis, malocclusionClass: d.malocclusionClass } };
    case 'TreatmentPlanProposed':
      return {
        ...summary,
        plan: { version: d.version, series: d.series, alignerCount: d.alignerCount, stages: maxStage(d.stages ?? {}), decision: 'proposed' },
      };
    case 'TreatmentPlanApproved':
    case 'PlanRevisionRequested':
      if (!summary.plan || summary.plan.version !== d.version) return summary;
      return { ...summary, plan: { ...summary.plan, decision: event.type === 'TreatmentPlanApproved' ? 'approved' : 'revision_requested' } };
    case 'AlignersShipped':
      return { ...summary, shippedOrders: summary.shippedOrders + 1 };
    case 'ProgressCheckRecorded':
      return { ...summary, lastCheck: { entryId: d.entryId, stage: d.currentStage, fit: d.fit } };
    case 'EntryCorrected':
      return corrected(summary, d.correctedType, d.correctsEntryId, d.replacement ?? {});
    default:
      return summary;
  }
}

function corrected(summary: CaseSummary, type: string, entryId: string, replacement: Record<string, any>): CaseSummary {
  if (type === 'CaseOpened' && typeof replacement.chiefComplaint === 'string') {
    return { ...summary, chiefComplaint: replacement.chiefComplaint };
  }
  if (type === 'ClinicalFindingsRecorded' && summary.findings?.entryId === entryId) {
    const { diagnosis, malocclusionClass } = replacement;
    return {
      ...summary,
      findings: {
        ...summary.findings,
        ...(typeof diagnosis === 'string' ? { diagnosis } : {}),
        ...(typeof malocclusionClass === 'string' ? { malocclusionClass } : {}),
      },
    };
  }
  if (type === 'ProgressCheckRecorded' && summary.lastCheck?.entryId === entryId) {
    const { currentStage, fit } = replacement;
    return {
      ...summary,
      lastCheck: {
        ...summary.lastCheck,
        ...(typeof currentStage === 'number' ? { stage: currentStage } : {}),
        ...(typeof fit === 'string' ? { fit } : {}),
      },
    };
  }
  return summary;
}
