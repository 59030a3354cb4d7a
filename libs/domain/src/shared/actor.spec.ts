import { ctxAs, ids } from '../testing';
import { assertContext, requireRole, requireSameClinic } from './actor';

const codeOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('command context', () => {
  it('accepts a well-formed context', () => {
    expect(() => assertContext(ctxAs('orthodontist'))).not.toThrow();
    expect(() => assertContext(ctxAs('treatment_planner'))).not.toThrow();
  });

  it.each([
    ['no actor', { now: '2025-03-01T10:00:00Z' }],
    ['a non-UUID user', { ...ctxAs('dentist'), actor: { ...ctxAs('dentist').actor, userId: 'bob' } }],
    ['an unknown role', { ...ctxAs('dentist'), actor: { ...ctxAs('dentist').actor, role: 'janitor' } }],
    ['a clinic role without a clinic', { ...ctxAs('dentist'), actor: { userId: ids.dentist, role: 'dentist' } }],
    ['no time', { actor: ctxAs('dentist').actor, now: 'yesterday' }],
  ])('refuses %s', (_label, ctx) => {
    expect(codeOf(() => assertContext(ctx as never))).toBe('VALIDATION.INVALID_CONTEXT');
  });

  it('checks roles and clinic membership', () => {
    expect(codeOf(() => requireRole(ctxAs('support'), ['dentist'], 'x'))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    expect(codeOf(() => requireSameClinic(ctxAs('dentist'), ids.otherClinic))).toBe('ACCESS.CLINIC_MISMATCH');
    // Back-office roles have no clinic; whether they may see a clinic's data is an access policy.
    expect(codeOf(() => requireSameClinic(ctxAs('treatment_planner'), ids.clinic))).toBeUndefined();
  });
});
