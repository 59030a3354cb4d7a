import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { bodiesAround, type FuzzBody } from './support/body-fuzz';
import { Canaries, consent, expectStatus, findings, openCase, proposePlan, registration, scan } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

const RUNS_PER_ROUTE = 320;

describe('fuzzing every POST body (fast-check)', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let dentist: Clinician;
  let clinicB: string;
  let orthoB: Clinician;
  const statuses = new Map<number, number>();
  let requests = 0;

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('Fuzz Clinic');
    clinicB = await h.clinic('Fuzz Clinic B');
    orthoB = await h.user('orthodontist', clinicB);
    ortho = await h.user('orthodontist', clinic);
    dentist = await h.user('dentist', clinic);
  });
  afterAll(async () => {
    console.log(`fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    await h?.stop();
  });

  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  /** A case with findings and a pending plan, so that valid-looking bodies reach the deciders. */
  async function liveCase() {
    const c = new Canaries();
    const { patientId, caseId } = await openCase(h, ortho, c);
    const finding = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const plan = await proposePlan(h, caseId, 1, c);
    return { patientId, caseId, planId: plan.planId as string, entryId: finding.entryId as string };
  }

  async function send(url: string, body: FuzzBody, headers: Record<string, string>) {
    const res = await h.app.inject({
      method: 'POST', url,
      headers: { authorization: `Bearer ${ortho.token}`, 'content-type': 'application/json', ...headers },
      payload: 'raw' in body ? body.raw : JSON.stringify(body.json),
    });
    requests++;
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    return res;
  }

  type Route = [name: string, url: (ids: Awaited<ReturnType<typeof liveCase>>) => string, valid: () => object];
  const c = new Canaries();
  const routes: Route[] = [
    ['register', () => '/patients', () => ({ ...registration(c), careTeam: [{ userId: dentist.id, role: 'dentist' }] })],
    ['correct demographics', (i) => `/patients/${i.patientId}/demographics-corrections`, () => ({ corrections: { name: { given: 'Ada', family: 'L' }, guardian: null }, reason: 'typo' })],
    ['record consent', (i) => `/patients/${i.patientId}/consents`, () => consent(h, 'research')],
    ['assign care team', (i) => `/patients/${i.patientId}/care-team`, () => ({ userId: dentist.id, role: 'dentist' })],
    ['transfer', (i) => `/patients/${i.patientId}/transfers`, () => ({ toClinicId: clinicB, reason: 'moved', careTeam: [{ userId: orthoB.id, role: 'orthodontist' }] })],
    ['open case', (i) => `/patients/${i.patientId}/cases`, () => ({ arches: 'both', chiefComplaint: 'crowding' })],
    ['findings', (i) => `/cases/${i.caseId}/findings`, () => findings(c)],
    ['scan', (i) => `/cases/${i.caseId}/scans`, () => scan()],
    ['approve plan', (i) => `/cases/${i.caseId}/plans/${i.planId}/approval`, () => ({ version: 1 })],
    ['request revision', (i) => `/cases/${i.caseId}/plans/${i.planId}/revision-requests`, () => ({ version: 1, comments: [{ text: 'less torque', tooth: 13, stage: 2 }] })],
    ['order', (i) => `/cases/${i.caseId}/orders`, () => ({ planVersion: 1, stageFrom: 1, stageTo: 5 })],
    ['progress check', (i) => `/cases/${i.caseId}/progress-checks`, () => ({ currentStage: 1, fit: 'tracking', notes: 'fine' })],
    ['refinement', (i) => `/cases/${i.caseId}/refinements`, () => ({ reason: 'off track' })],
    ['completion', (i) => `/cases/${i.caseId}/completion`, () => ({})],
    ['cancellation', (i) => `/cases/${i.caseId}/cancellation`, () => ({ reason: 'moved away' })],
    ['correction', (i) => `/cases/${i.caseId}/corrections`, () => ({ correctsEntryId: '', reason: 'typo', replacement: { diagnosis: 'fixed', measurements: { overjet_mm: 3 } } })],
  ];

  const header = fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((v) => ({ 'if-match': v.replace(/[^\x20-\x7e]/g, '') })) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.uuid()).map((v) => ({ 'idempotency-key': v.replace(/[^\x21-\x7e]/g, '') || 'k' })) },
  );

  it.each(routes)('%s: no 5xx, nothing appended by a refusal', async (_name, url, validOf) => {
    const ids = await liveCase();
    let valid = validOf();
    if ('correctsEntryId' in valid) valid = { ...valid, correctsEntryId: ids.entryId };
    await fc.assert(
      fc.asyncProperty(bodiesAround(valid), header, async (body, headers) => {
        const before = await h.eventCount();
        const res = await send(url(ids), body, headers);
        const appended = (await h.eventCount()) - before;
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(appended).toBe(0);
          expect(Object.keys(res.json()).sort()).toEqual(['code', 'correlationId', 'message']);
        }
      }),
      { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    );
  }, 300_000);

  it('ran at least 5,000 cases and left Object.prototype untouched', () => {
    expect(requests).toBeGreaterThanOrEqual(5000);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof ({}).toString).toBe('function');
    expect(randomUUID()).toMatch(/-/);
  });
});
