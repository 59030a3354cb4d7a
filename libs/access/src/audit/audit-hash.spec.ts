import { AuditChainKey, auditRowHash, GENESIS_HASH, sanitiseAuditRecord, unkeyedRowHash } from './audit-hash';
import { redactParams } from './redact';

const PATIENT = '3f1f3b8e-8f0a-4c55-9b7e-2a8f6a0c1d22';

describe('audit rows carry no free text', () => {
  it('keeps UUIDs, codes, integers and booleans; drops everything else', () => {
    const row = sanitiseAuditRecord(
      {
        action: 'patient.read_demographics', outcome: 'granted', realm: 'clinic', actorId: 'Jane Doe', resourceId: PATIENT,
        patientId: 'not-a-uuid', reason: 'contains spaces and a name', ip: '10.0.0.1; drop table', userAgent: 'Mozilla\u0000\n/5.0',
        correlationId: '<script>', purpose: 'treatment', params: { 'path.patientId': PATIENT, 'body.name': 'Jane Doe' as never, 'body.flag': true },
      },
      new Date(0),
    );
    expect(row).toMatchObject({ actorId: null, resourceId: PATIENT, patientId: null, reason: null, ip: null, correlationId: null, purpose: 'treatment', userAgent: 'Mozilla/5.0' });
    expect(row.params).toEqual({ 'path.patientId': PATIENT, 'body.flag': true });
  });

  it('request parameters are reduced to ids, flags and counts', () => {
    const out = redactParams({
      path: { patientId: PATIENT },
      query: { q: 'Smith', limit: 20 },
      body: { givenName: 'Jane', caseId: PATIENT, consent: true, notes: { nested: 'x' } },
    });
    expect(out).toEqual({ 'path.patientId': PATIENT, 'query.limit': 20, 'body.caseId': PATIENT, 'body.consent': true, redacted: 3 });
    expect(JSON.stringify(out)).not.toMatch(/Smith|Jane/);
  });

  it('numbers are kept only for known counters: a chart number or date of birth sent as a number is dropped', () => {
    const out = redactParams({
      query: { page: 2 },
      body: { chartNumber: 48213, dateOfBirth: 20120405, phone: 5550100, tooth: 16, planVersion: 2, stageFrom: 1, stageTo: 10, pageSize: 20 },
    });
    expect(out).toEqual({ 'query.page': 2, 'body.planVersion': 2, 'body.stageFrom': 1, 'body.stageTo': 10, 'body.pageSize': 20, redacted: 4 });
  });

  it('the hash covers position, content and the previous link, under the chain key', () => {
    const key = new AuditChainKey(Buffer.alloc(32, 7));
    const base = { ...sanitiseAuditRecord({ action: 'auth.login', outcome: 'denied', status: 401 }, new Date(1000)), seq: 1 };
    const h = auditRowHash(base, GENESIS_HASH, key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditRowHash({ ...base, seq: 2 }, GENESIS_HASH, key)).not.toBe(h);
    expect(auditRowHash({ ...base, status: 200 }, GENESIS_HASH, key)).not.toBe(h);
    expect(auditRowHash(base, 'f'.repeat(64), key)).not.toBe(h);
    // Without the key the link cannot be recomputed: another key, or the plain SHA-256, gives another value.
    expect(auditRowHash(base, GENESIS_HASH, new AuditChainKey(Buffer.alloc(32, 8)))).not.toBe(h);
    expect(unkeyedRowHash(base, GENESIS_HASH)).not.toBe(h);
    // Key order of params does not matter (jsonb reorders keys).
    const a = { ...base, params: { b: 1, a: 2 } };
    const b = { ...base, params: { a: 2, b: 1 } };
    expect(auditRowHash(a, GENESIS_HASH, key)).toBe(auditRowHash(b, GENESIS_HASH, key));
  });
});
