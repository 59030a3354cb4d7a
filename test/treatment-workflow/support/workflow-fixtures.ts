import { randomUUID } from 'node:crypto';
import { ProposeTreatmentPlanCommand } from '../../../apps/clinic-api/src/treatment-case/commands/propose-treatment-plan/propose-treatment-plan.command';
import { RecordShipmentCommand } from '../../../apps/clinic-api/src/treatment-case/commands/record-shipment/record-shipment.command';
import type { Clinician, WorkflowHarness } from './workflow-harness';

/** Distinctive PHI-looking values, remembered so a dump or a log can be searched for them. */
export class Canaries {
  readonly values: string[] = [];
  mark(kind: string): string {
    const value = `${kind}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    this.values.push(value);
    return value;
  }
  add(value: string): string {
    this.values.push(value);
    return value;
  }
}

export function registration(c: Canaries) {
  return {
    name: { given: c.mark('Givenname'), family: c.mark('Familyname') },
    dateOfBirth: c.add('2009-11-23'),
    contact: {
      email: `${c.mark('mail')}@example.org`,
      phone: c.add('+44 20 7946 0958'),
      address: { lines: [c.mark('Street')], city: c.mark('City'), postalCode: 'NW1 6XE', country: 'GB' },
    },
    chartNumber: c.mark('CHART'),
    guardian: { name: { given: c.mark('Guardiangiven'), family: c.mark('Guardianfamily') }, relationship: 'mother' },
  };
}

export const consent = (h: WorkflowHarness, consentType = 'treatment') => ({
  consentType, formVersion: 'TX-2025.1', status: 'granted', givenBy: 'guardian',
  recordedAt: new Date(h.clock.now().getTime() - 60_000).toISOString(),
});

export const findings = (c: Canaries) => ({
  diagnosis: c.mark('Diagnosis'), malocclusionClass: 'II_div1', conditions: ['crowding', 'deep_bite'],
  notes: c.mark('Findingnote'), measurements: { overjet_mm: 4.5, overbite_mm: 3 },
});

export const scan = () => ({
  kind: 'intraoral_3d', contentHash: 'ab'.repeat(32), sizeBytes: 9_000_000, storageRef: `scans/${randomUUID()}`, arch: 'both',
});

/** A planner's proposal through the CommandBus (its admin route comes with the admin API). */
export async function proposePlan(h: WorkflowHarness, caseId: string, version: number, c: Canaries, series: 'initial' | 'refinement' = 'initial', plannerId = randomUUID()) {
  const data = {
    caseId, entryId: randomUUID(), planId: randomUUID(), version, series,
    stages: { upper: 20, lower: 18 }, alignerCount: 38,
    attachments: [{ tooth: 13, stage: 1 }, { tooth: 43, stage: 2 }],
    ipr: [{ contact: [11, 21] as [number, number], stage: 3, amountMm: 0.2 }],
    wearScheduleDays: 7, notes: c.mark('Plannote'),
  };
  return h.commands.execute(new ProposeTreatmentPlanCommand(data, h.backOffice('treatment_planner', plannerId)));
}

/** The lab's shipment, recorded by a case coordinator through the CommandBus. */
export async function ship(h: WorkflowHarness, caseId: string, orderId: string, coordinatorId = randomUUID()) {
  const data = { caseId, entryId: randomUUID(), orderId, carrier: 'DHL', trackingRef: 'JD014600006281230001' };
  return h.commands.execute(new RecordShipmentCommand(data, h.backOffice('case_coordinator', coordinatorId)));
}

/**
 * A command on a patient registered a moment ago, as a client would send it: the guard answers 503
 * (nothing written) while the care_team projection has not applied the registration yet, which on a
 * loaded machine (two test workers beside the crash-recovery suite) can take longer than its 2 s
 * wait. Retried only for that cause (the guard's audit row names it); any other 503 is returned.
 */
async function afterRegistration(h: WorkflowHarness, who: Clinician, url: string, payload: unknown) {
  const stale = async (r: { status: number; body: any }) => {
    if (r.status !== 503 || r.body?.code !== 'AUTH.UNAVAILABLE') return false;
    const [row] = await h.auditRows(`correlation_id = $1 and status = 503 and reason is not null`, [r.body.correlationId]);
    return row?.reason === 'ACCESS.CARE_TEAM_STALE';
  };
  for (const deadline = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const reply = await h.call(who, 'POST', url, payload);
    if (Date.now() > deadline || !(await stale(reply))) return reply;
  }
}

/** Register + treatment consent + an open case, as the given orthodontist. */
export async function openCase(h: WorkflowHarness, ortho: Clinician, c: Canaries = new Canaries()) {
  const registered = await h.call(ortho, 'POST', '/patients', registration(c));
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const patientId: string = registered.body.patientId;
  const consented = await afterRegistration(h, ortho, `/patients/${patientId}/consents`, consent(h));
  if (consented.status !== 201) throw new Error(`consent: ${consented.status} ${JSON.stringify(consented.body)}`);
  const opened = await afterRegistration(h, ortho, `/patients/${patientId}/cases`, { arches: 'both', chiefComplaint: c.mark('Complaint') });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  return { patientId, caseId: opened.body.caseId as string };
}

export async function expectStatus(reply: Promise<{ status: number; body: any }> | { status: number; body: any }, status: number) {
  const r = await reply;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Polls until `check` holds. Care-team membership is answered from the care-team read model, which
 * follows the log asynchronously: grants and revocations take effect within the projection's lag.
 */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() - start > timeoutMs) return { value, ms: Date.now() - start };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
