import { POLICY_V1 } from '../policies/policy.v1';
import type { CareTeamDirectory } from '../care-team/care-team.directory';
import { AccessPolicyService, scopeMatches } from './access-policy.service';
import type { AccessSubject, PolicyDocument } from './policy.types';

const CLINIC_A = '0b6f7c1e-1111-4a4a-8a8a-000000000001';
const CLINIC_B = '0b6f7c1e-2222-4a4a-8a8a-000000000002';
const ORTHO = 'a1a1a1a1-0000-4000-8000-000000000001';
const OWN = 'b2b2b2b2-0000-4000-8000-000000000001';
const OTHER = 'b2b2b2b2-0000-4000-8000-000000000002';

const directory: CareTeamDirectory = {
  isOnCareTeam: async (p, u) => p === OWN && u === ORTHO,
  patientClinic: async (p) => (p === OWN ? CLINIC_A : p === OTHER ? CLINIC_B : undefined),
};
const params = { networks: { clinic: ['0.0.0.0/0'], backoffice: ['10.0.0.0/8'] }, windows: { clinic: undefined, backoffice: undefined } };
const policy = new AccessPolicyService(POLICY_V1, params, directory);
const ortho: AccessSubject = { userId: ORTHO, realm: 'clinic', role: 'orthodontist', clinicId: CLINIC_A, sessionId: ORTHO, mfa: true };
const ctx = { at: new Date(), ip: '10.1.1.1' };

describe('AccessPolicyService', () => {
  it('grants by rule and names it; denies with a reason', async () => {
    expect(await policy.evaluate(ortho, 'approve_plan', { type: 'case', patientId: OWN }, ctx)).toMatchObject({ allowed: true, ruleId: 'ortho.case.own' });
    expect(await policy.evaluate(ortho, 'approve_plan', { type: 'case', patientId: OTHER }, ctx)).toMatchObject({ allowed: false, reason: 'clinic_mismatch' });
    expect(await policy.evaluate(ortho, 'read', { type: 'audit' }, ctx)).toMatchObject({ allowed: false, reason: 'no_rule' });
    expect(await policy.evaluate({ ...ortho, mfa: false }, 'read', { type: 'case', patientId: OWN }, ctx)).toMatchObject({ allowed: false, reason: 'mfa_required' });
    expect(await policy.evaluate(ortho, 'read', { type: 'case' }, ctx)).toMatchObject({ allowed: false, reason: 'unknown_patient' });
  });

  it('a role claimed in the wrong realm matches nothing', async () => {
    expect(await policy.evaluate({ ...ortho, realm: 'backoffice' }, 'read', { type: 'case', patientId: OWN }, ctx)).toMatchObject({ allowed: false, reason: 'no_rule' });
  });

  it('patient facts started before the session check are used for that patient and user only', async () => {
    const calls: string[] = [];
    const counting: CareTeamDirectory = {
      isOnCareTeam: async (p, u) => (calls.push(`member ${p}`), p === OWN && u === ORTHO),
      patientClinic: async (p) => (calls.push(`clinic ${p}`), p === OWN ? CLINIC_A : CLINIC_B),
      patientFacts: async (p, u) => (calls.push(`both ${p}`), { clinicId: p === OWN ? CLINIC_A : CLINIC_B, onCareTeam: p === OWN && u === ORTHO }),
    };
    const service = new AccessPolicyService(POLICY_V1, params, counting);
    const early = service.patientFacts(ortho, 'approve_plan', { type: 'case', patientId: OWN })!;
    expect(calls).toEqual([`both ${OWN}`]); // started at once, in one round trip
    expect(await service.evaluate(ortho, 'approve_plan', { type: 'case', patientId: OWN }, ctx, early)).toMatchObject({ allowed: true });
    expect(calls).toHaveLength(1); // reused, not read again
    // Facts for another patient or another user are not taken for this evaluation.
    expect(await service.evaluate(ortho, 'approve_plan', { type: 'case', patientId: OTHER }, ctx, early)).toMatchObject({ allowed: false, reason: 'clinic_mismatch' });
    expect(calls).toEqual([`both ${OWN}`, `both ${OTHER}`]);
    const stranger = { ...ortho, userId: 'a1a1a1a1-0000-4000-8000-000000000009' };
    expect(await service.evaluate(stranger, 'approve_plan', { type: 'case', patientId: OWN }, ctx, early)).toMatchObject({ allowed: false, reason: 'not_on_care_team' });
    expect(calls).toHaveLength(3);
    // Nothing to start where no rule reads patient facts, or the ids are not ids.
    expect(service.patientFacts(ortho, 'read', { type: 'audit' })).toBeUndefined();
    expect(service.patientFacts(ortho, 'read', { type: 'case', patientId: 'not-a-uuid' })).toBeUndefined();
    expect(service.patientFacts({ ...ortho, realm: 'backoffice' }, 'read', { type: 'case', patientId: OWN })).toBeUndefined();
    expect(calls).toHaveLength(3);
  });

  // Jest fails a test on an unhandled rejection, so an unused failing prefetch that leaked one fails this test.
  it('a prefetch that fails is not an unhandled rejection, and the evaluation that uses it fails', async () => {
    const failing: CareTeamDirectory = {
      isOnCareTeam: async () => { throw new Error('db down'); },
      patientClinic: async () => { throw new Error('db down'); },
      patientFacts: async () => { throw new Error('db down'); },
    };
    const service = new AccessPolicyService(POLICY_V1, params, failing);
    const unused = service.patientFacts(ortho, 'approve_plan', { type: 'case', patientId: OWN });
    const used = service.patientFacts(ortho, 'approve_plan', { type: 'case', patientId: OWN });
    expect(unused).toBeDefined();
    await expect(service.evaluate(ortho, 'approve_plan', { type: 'case', patientId: OWN }, ctx, used)).rejects.toThrow('db down');
    await new Promise((r) => setTimeout(r, 20)); // time for a leaked rejection to be reported
  });

  it('filterFor gives the scopes a search must apply before limits', () => {
    const f = policy.filterFor(ortho, 'patient', 'read_demographics', ctx);
    expect(f.scopes).toEqual([{ clinicId: CLINIC_A, careTeamMember: ORTHO }]);
    expect(scopeMatches(f, { clinicId: CLINIC_A, careTeam: [ORTHO] })).toBe(true);
    expect(scopeMatches(f, { clinicId: CLINIC_A, careTeam: [] })).toBe(false);
    const staff = policy.filterFor({ ...ortho, role: 'clinic_staff' }, 'patient', 'read_demographics', ctx);
    expect(staff.scopes).toEqual([{ clinicId: CLINIC_A }]);
    const coordinator: AccessSubject = { userId: ORTHO, realm: 'backoffice', role: 'case_coordinator', sessionId: ORTHO, mfa: true };
    expect(policy.filterFor(coordinator, 'case', 'read', ctx).scopes).toEqual([{}]);
    expect(policy.filterFor(coordinator, 'case', 'read', { ...ctx, ip: '192.0.2.1' }).allowed).toBe(false);
    expect(policy.filterFor(coordinator, 'patient', 'read_demographics', ctx)).toMatchObject({ allowed: false, scopes: [] });
    const glass = { ...coordinator, breakGlass: { until: new Date(Date.now() + 60_000), reason: 'patient_safety', ticket: 'INC-1' } };
    expect(policy.filterFor(glass, 'patient', 'read_demographics', ctx)).toMatchObject({ allowed: true, breakGlass: true });
  });

  it('refuses a policy that names unknown actions or parameters', () => {
    const bad = (rules: PolicyDocument['rules']) => () => new AccessPolicyService({ version: 'x', rules }, params, directory);
    expect(bad([{ id: 'r', roles: ['support'], resource: 'users', actions: ['delete_everything'], conditions: [] }])).toThrow(/unknown action/);
    expect(bad([{ id: 'r', roles: ['support'], resource: 'users', actions: ['manage'], conditions: [{ type: 'ip_allowlist', network: 'moon' }] }])).toThrow(/network/);
  });
});
