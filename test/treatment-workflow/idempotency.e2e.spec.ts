import { randomUUID } from 'node:crypto';
import { purgeIdempotencyRecords } from '@ortholedger/platform';
import { Canaries, eventually, expectStatus, findings, openCase, registration } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

describe('Idempotency-Key on command routes', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let dentist: Clinician;
  let caseId: string;
  const c = new Canaries();

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('Retry Clinic');
    ortho = await h.user('orthodontist', clinic);
    dentist = await h.user('dentist', clinic);
    const opened = await openCase(h, ortho, c);
    caseId = opened.caseId;
    await expectStatus(h.call(ortho, 'POST', `/patients/${opened.patientId}/care-team`, { userId: dentist.id, role: 'dentist' }), 201);
    await eventually(() => h.call(dentist, 'GET', `/cases/${caseId}`), (r) => r.status === 200);
  });
  afterAll(async () => h?.stop());

  const key = () => `retry-${randomUUID()}`;

  it('the same POST with the same key 10 times appends once and answers the first result every time', async () => {
    const body = findings(c);
    const headers = { 'idempotency-key': key() };
    const before = await h.eventCount();
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, headers));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const reply of replies) {
      expect(reply.body).toEqual(replies[0].body);
      expect(reply.headers.etag).toBe(replies[0].headers.etag);
    }
    expect(replies.slice(1).every((r) => r.headers['idempotent-replayed'] === 'true')).toBe(true);
    expect(await h.eventCount()).toBe(before + 1);
  });

  it('10 concurrent copies append once and all answer the same ids', async () => {
    const body = findings(c);
    const headers = { 'idempotency-key': key() };
    const before = await h.eventCount();
    const replies = await Promise.all(Array.from({ length: 10 }, () => h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, headers)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    const first = replies[0].body;
    for (const reply of replies) expect(reply.body).toEqual(first);
    expect(await h.eventCount()).toBe(before + 1);
  });

  it('a registration retried 10 times creates one patient', async () => {
    const body = registration(c);
    const headers = { 'idempotency-key': key() };
    const before = await h.eventCount();
    const replies = await Promise.all(Array.from({ length: 10 }, () => h.call(ortho, 'POST', '/patients', body, headers)));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((r) => r.body.patientId)).size).toBe(1);
    expect(await h.eventCount()).toBe(before + 2); // registration + the orthodontist joining the care team
  });

  it('a key reused for another body or route is refused (422) and writes nothing', async () => {
    const k = key();
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c), { 'idempotency-key': k }), 201);
    const before = await h.eventCount();
    const otherBody = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c), { 'idempotency-key': k });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    const otherRoute = await h.call(ortho, 'POST', `/cases/${caseId}/scans`, { kind: 'photo', contentHash: 'ef'.repeat(32), sizeBytes: 5, storageRef: 'p/1' }, { 'idempotency-key': k });
    expect(otherRoute.status).toBe(422);
    expect(await h.eventCount()).toBe(before);
  });

  it('keys are scoped to the user: another user with the same key is a different request', async () => {
    const k = key();
    const body = findings(c);
    const a = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k }), 201);
    const b = await expectStatus(h.call(dentist, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k }), 201);
    expect(b.findingId).not.toBe(a.findingId);
  });

  it('a retry after the process died between append and answer finds its events in the stream', async () => {
    const k = key();
    const body = findings(c);
    const first = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k }), 201);
    // Forget the stored answer, as if the process had died right after the append.
    await h.db.pools.owner.query('update command_idempotency.requests set response_status = null, response_body = null');
    const before = await h.eventCount();
    const retry = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first);
    expect(await h.eventCount()).toBe(before);
  });

  it('after its record is purged (24 h), a key reused for another body executes that body; the same body still finds its events', async () => {
    const k = key();
    const body = findings(c);
    const first = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k }), 201);
    // The daily `db purge-idempotency`, run a day later.
    expect(await purgeIdempotencyRecords(h.db.pools.owner, new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const before = await h.eventCount();
    const retry = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, body, { 'idempotency-key': k });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first);
    expect(await h.eventCount()).toBe(before);
    // The retry recorded the key again (within 24 h another body is still refused); a day later it is purged too.
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c), { 'idempotency-key': k }), 422);
    await purgeIdempotencyRecords(h.db.pools.owner, new Date(Date.now() + 60_000));
    const otherBody = findings(c);
    const reused = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, otherBody, { 'idempotency-key': k });
    expect(reused.status).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(reused.body.findingId).not.toBe(first.findingId);
    expect(await h.eventCount()).toBe(before + 1);
    const history = await expectStatus(h.call(ortho, 'GET', `/cases/${caseId}/history`), 200);
    expect(JSON.stringify(history)).toContain(otherBody.diagnosis);
  });

  it('a refused request can be retried with the same key once the cause is fixed', async () => {
    const k = key();
    const { patientId } = await openCase(h, ortho, c);
    const revoke = { consentType: 'research', formVersion: 'R-1', status: 'revoked', givenBy: 'guardian', recordedAt: new Date(h.clock.now().getTime() - 1000).toISOString() };
    const refused = await h.call(ortho, 'POST', `/patients/${patientId}/consents`, revoke, { 'idempotency-key': k });
    expect(refused.status).toBe(409);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...revoke, status: 'granted' }), 201);
    const retried = await h.call(ortho, 'POST', `/patients/${patientId}/consents`, revoke, { 'idempotency-key': k });
    expect(retried.status).toBe(201);
  });

  it('refuses malformed keys with 400', async () => {
    for (const bad of ['short', 'x'.repeat(129), 'has space here', 'ünïcode-key-123']) {
      const reply = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c), { 'idempotency-key': bad });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('REQUEST.INVALID_HEADER');
    }
  });
});
