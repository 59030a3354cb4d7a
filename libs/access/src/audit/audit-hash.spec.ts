import { AuditChainKey, auditRowHash, GENESIS_HASH, sanitiseAuditRecord, unkeyedRowHash } from './audit-hash';
import { redactParams } from './redact';

const PATIENT = '3f1f3b8e-8f0a-4c55-9b7e-2a8f6a0c1d22';

describe('audit rows carry no free text', () => {
  it('keeps UUIDs, codes, integers and booleans; drops everything else', () => {
    const row = sanitiseAuditRecord(
      {
        action: 'patient.read_demographics', outcome: 'granted', realm: 'clinic', actorId: 'Jane Doe', resourceId: PATIENT,
        patientId: 'not-a-uuid', reason: 'contains spaces and a name', ip: '10.0.0.1; drop table', userAgent: 'Mozilla\u0000\n/5.0',
        correlationId: '<script>', purpose: 'treatment',
        params: { 'path.patientId': PATIENT, 'body.name': 'Jane Doe' as never, 'body.toClinicId': PATIENT, 'body.Maria_Lopez': true, 'query.Maria_Lopez': PATIENT, newSessionId: PATIENT },
      },
      new Date(0),
    );
    expect(row).toMatchObject({ actorId: null, resourceId: PATIENT, patientId: null, reason: null, ip: null, correlationId: null, purpose: 'treatment', userAgent: 'Mozilla/5.0' });
    // Request parameters pass redactParams' allowlist here too; a key a service chose itself (newSessionId) is not a request parameter.
    expect(row.params).toEqual({ 'path.patientId': PATIENT, 'body.toClinicId': PATIENT, newSessionId: PATIENT });
  });

  it('request parameters are reduced to path ids, declared ids and counters', () => {
    const out = redactParams({
      path: { patientId: PATIENT },
      query: { q: 'Smith', limit: 20 },
      // caseId travels in the path, never in a body, and no request DTO declares a boolean such as consent:
      // under a client-chosen name either would only say what the client chose to say.
      body: { givenName: 'Jane', caseId: PATIENT, consent: true, notes: { nested: 'x' }, toClinicId: PATIENT },
    });
    expect(out).toEqual({ 'path.patientId': PATIENT, 'query.limit': 20, 'body.toClinicId': PATIENT, redacted: 5 });
    expect(JSON.stringify(out)).not.toMatch(/Smith|Jane/);
  });

  describe('redactParams is an allowlist: a client-chosen key never reaches the audit log', () => {
    const CANARY = 'Maria_Lopez';

    it('an unknown body or query key is dropped whatever its value: boolean, UUID, counter-like integer', () => {
      const out = redactParams({ query: { [CANARY]: PATIENT, Other_Name: 'true' }, body: { [CANARY]: true, Jane_Doe_2011: PATIENT, Smith: 3 } });
      expect(out).toEqual({ redacted: 5 });
      expect(JSON.stringify(out)).not.toMatch(/Maria|Jane|Smith|Other/);
    });

    it.each(['userId', 'toClinicId', 'correctsEntryId', 'clinicId'])('the declared id field %s is kept when it holds a UUID, and only then', (field) => {
      expect(redactParams({ body: { [field]: PATIENT } })).toEqual({ [`body.${field}`]: PATIENT });
      expect(redactParams({ body: { [field]: 'Maria Lopez' } })).toEqual({ redacted: 1 });
      expect(redactParams({ body: { [field]: true } })).toEqual({ redacted: 1 });
    });

    it('a counter holds an integer, nothing else; an id field holds a UUID, not a number', () => {
      expect(redactParams({ body: { version: true, planVersion: PATIENT, userId: 42 } })).toEqual({ redacted: 3 });
    });

    it('path parameters are named by the route: any of them holding a UUID is kept, other values are not', () => {
      expect(redactParams({ path: { caseId: PATIENT, planId: PATIENT, id: PATIENT, slug: 'Maria-Lopez' } })).toEqual({
        'path.caseId': PATIENT, 'path.planId': PATIENT, 'path.id': PATIENT, redacted: 1,
      });
    });

    it('a care-team list is kept as userId:role pairs only when every member is a UUID with a clinic role and nothing else', () => {
      const other = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      expect(redactParams({ body: { careTeam: [{ userId: PATIENT, role: 'orthodontist' }, { userId: other, role: 'clinic_staff' }] } })).toEqual({
        'body.careTeam': `${PATIENT}:orthodontist,${other}:clinic_staff`,
      });
      for (const careTeam of [[], [{ userId: PATIENT, role: CANARY }], [{ userId: PATIENT, role: 'dentist', note: CANARY }], [{ userId: CANARY, role: 'dentist' }], [PATIENT], 'x', Array(21).fill({ userId: PATIENT, role: 'dentist' })]) {
        expect(redactParams({ body: { careTeam } })).toEqual({ redacted: 1 });
      }
      // Only in the body, and only under that name.
      expect(redactParams({ query: { careTeam: [{ userId: PATIENT, role: 'dentist' }] }, body: { team: [{ userId: PATIENT, role: 'dentist' }] } })).toEqual({ redacted: 2 });
    });

    it('the sanitiser keeps a stored care-team value only in the shape redactParams gives it', () => {
      const params = (value: unknown) => sanitiseAuditRecord({ action: 'patient.transfer', outcome: 'granted', params: { 'body.careTeam': value as string } }, new Date(0)).params;
      expect(params(`${PATIENT}:dentist`)).toEqual({ 'body.careTeam': `${PATIENT}:dentist` });
      for (const value of [`${PATIENT}:${CANARY}`, `${PATIENT}:dentist:x`, `${CANARY}:dentist`, `${PATIENT}:dentist,`, '', 7]) expect(params(value)).toBeNull();
    });

    it('nested objects and keys past the first 50 are counted, not kept', () => {
      const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 1]));
      expect(redactParams({ body: { ...many, userId: PATIENT } })).toEqual({ redacted: 61 });
      expect(redactParams({ body: { careTeam: [{ userId: PATIENT }], replacement: { userId: PATIENT } } })).toEqual({ redacted: 2 });
    });
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
