import { randomUUID } from 'node:crypto';
import type { WorkflowHarness } from './workflow-harness';
import { consent, findings, registration, scan, Canaries } from './workflow-fixtures';

export interface RouteCall {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
}

export interface RouteIds {
  patientId: string;
  caseId: string;
  planId: string;
  memberId: string;
  entryId: string;
  otherClinicId: string;
  /** An orthodontist of the other clinic, the receiving care team of a transfer. */
  otherClinicianId: string;
}

/** Every route that touches one patient's data, with a well-formed request. */
export function patientAndCaseRoutes(h: WorkflowHarness, ids: RouteIds, c = new Canaries()): RouteCall[] {
  const { patientId, caseId, planId, memberId, entryId, otherClinicId, otherClinicianId } = ids;
  return [
    { name: 'get patient', method: 'GET', url: `/patients/${patientId}` },
    { name: 'correct demographics', method: 'POST', url: `/patients/${patientId}/demographics-corrections`, body: { corrections: { chartNumber: c.mark('CHART') }, reason: 'typo' } },
    { name: 'record consent', method: 'POST', url: `/patients/${patientId}/consents`, body: consent(h, 'research') },
    { name: 'assign care team', method: 'POST', url: `/patients/${patientId}/care-team`, body: { userId: memberId, role: 'dentist' } },
    { name: 'remove care team', method: 'DELETE', url: `/patients/${patientId}/care-team/${memberId}` },
    { name: 'transfer', method: 'POST', url: `/patients/${patientId}/transfers`, body: { toClinicId: otherClinicId, reason: 'moved', careTeam: [{ userId: otherClinicianId, role: 'orthodontist' }] } },
    { name: 'open case', method: 'POST', url: `/patients/${patientId}/cases`, body: { arches: 'upper' } },
    { name: 'get case', method: 'GET', url: `/cases/${caseId}` },
    { name: 'case history', method: 'GET', url: `/cases/${caseId}/history` },
    { name: 'findings', method: 'POST', url: `/cases/${caseId}/findings`, body: findings(c) },
    { name: 'scan', method: 'POST', url: `/cases/${caseId}/scans`, body: scan() },
    { name: 'approve plan', method: 'POST', url: `/cases/${caseId}/plans/${planId}/approval`, body: { version: 1 } },
    { name: 'request revision', method: 'POST', url: `/cases/${caseId}/plans/${planId}/revision-requests`, body: { version: 1, comments: [{ text: c.mark('Comment') }] } },
    { name: 'order', method: 'POST', url: `/cases/${caseId}/orders`, body: { planVersion: 1, stageFrom: 1, stageTo: 5 } },
    { name: 'progress check', method: 'POST', url: `/cases/${caseId}/progress-checks`, body: { currentStage: 1, fit: 'tracking' } },
    { name: 'refinement', method: 'POST', url: `/cases/${caseId}/refinements`, body: { reason: 'off track' } },
    { name: 'completion', method: 'POST', url: `/cases/${caseId}/completion`, body: {} },
    { name: 'cancellation', method: 'POST', url: `/cases/${caseId}/cancellation`, body: { reason: 'moved away' } },
    { name: 'correction', method: 'POST', url: `/cases/${caseId}/corrections`, body: { correctsEntryId: entryId, reason: 'typo', replacement: { diagnosis: 'fixed' } } },
  ];
}

/** The one route without a patient yet. */
export const registerRoute = (c = new Canaries()): RouteCall => ({ name: 'register', method: 'POST', url: '/patients', body: registration(c) });

export const anyId = () => randomUUID();
