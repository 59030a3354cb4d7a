import { readinessReason } from './readiness.registry';

describe('readinessReason', () => {
  it("keeps the checks' own messages and reduces driver errors to their codes (readiness answers without a login)", () => {
    expect(readinessReason(new Error('2 migrations pending'))).toBe('2 migrations pending');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.4.17:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(readinessReason(refused)).toBe('database unreachable (ECONNREFUSED)');
    const auth = Object.assign(new Error('password authentication failed for user "ortholedger_app_login"'), { code: '28P01', severity: 'FATAL' });
    expect(readinessReason(auth)).toBe('database error 28P01');
    expect(readinessReason(new Error('getaddrinfo ENOTFOUND db.internal.example'))).toBe('database unavailable');
    expect(readinessReason(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe('database unreachable (ECONNREFUSED)');
    expect(readinessReason(new Error(''))).toBe('failed');
    expect(readinessReason('nope')).toBe('failed');
  });
});
