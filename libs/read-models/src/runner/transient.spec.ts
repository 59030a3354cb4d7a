import { PoisonEvent } from './projection';
import { isTransient } from './transient';

describe('isTransient: what the runner retries instead of stopping a projection', () => {
  it.each([
    ['08006', 'connection failure'],
    ['40P01', 'deadlock'],
    ['40001', 'serialization failure'],
    ['55P03', 'lock timeout'],
    ['57014', 'statement cancelled (statement_timeout, pg_cancel_backend)'],
    ['57P01', 'admin shutdown'],
    ['CRYPTO.KEY_PROVIDER_UNAVAILABLE', 'key provider down'],
  ])('%s (%s) is retried', (code) => {
    expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(true);
  });

  it.each([
    ['23505', 'unique violation: the same event applied twice'],
    ['22P02', 'invalid input'],
    ['CRYPTO.TAMPER_DETECTED', 'tampering'],
  ])('%s (%s) stops the projection', (code) => {
    expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(false);
  });

  it('a poison event, or a plain projector error, is never retried', () => {
    expect(isTransient(new PoisonEvent('patient-1', 0n, 'PatientRegistered', { commit: 1n, prepare: 1n }, 'data is not JSON'))).toBe(false);
    expect(isTransient(new Error('projector refused the event'))).toBe(false);
  });
});
