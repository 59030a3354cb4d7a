import { ctxAs } from '../../../domain/src/testing';
import { createEnvelope, eventIdFor, mintId } from './command-envelope';
import { uuidFrom } from './deterministic-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('command envelope ids', () => {
  it('derives v8 UUIDs from their parts, stable and distinct', () => {
    expect(uuidFrom('a', 'b')).toMatch(UUID);
    expect(uuidFrom('a', 'b')).toBe(uuidFrom('a', 'b'));
    expect(uuidFrom('a', 'b')).not.toBe(uuidFrom('ab'));
    expect(uuidFrom('a\u001fb')).toBe(uuidFrom('a', 'b')); // the separator is not expected in ids or digests
  });

  it('with an idempotency key, a retry names the same command, records and events', () => {
    const key = 'f'.repeat(64);
    const a = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: 'r1', idempotencyKey: key });
    const b = createEnvelope({ ctx: ctxAs('orthodontist', { now: '2025-03-02T00:00:00Z' }), correlationId: 'r2', idempotencyKey: key });
    expect(b.commandId).toBe(a.commandId);
    expect(mintId(b, 'findingId')).toBe(mintId(a, 'findingId'));
    expect(mintId(a, 'findingId')).not.toBe(mintId(a, 'entryId'));
    expect(eventIdFor(b, 'case-x', 0)).toBe(eventIdFor(a, 'case-x', 0));
    expect(eventIdFor(a, 'case-x', 1)).not.toBe(eventIdFor(a, 'case-x', 0));
    // Keys are scoped to the actor: the same key from someone else is another command.
    const other = createEnvelope({ ctx: ctxAs('dentist'), correlationId: 'r3', idempotencyKey: key });
    expect(other.commandId).not.toBe(a.commandId);
  });

  it('the same key with another request fingerprint is another command (a key reused after its record was purged)', () => {
    const key = 'f'.repeat(64);
    const a = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: 'r1', idempotencyKey: key, requestFingerprint: '1'.repeat(64) });
    const retry = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: 'r2', idempotencyKey: key, requestFingerprint: '1'.repeat(64) });
    const reused = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: 'r3', idempotencyKey: key, requestFingerprint: '2'.repeat(64) });
    expect(retry.commandId).toBe(a.commandId);
    expect(reused.commandId).not.toBe(a.commandId);
    expect(mintId(reused, 'findingId')).not.toBe(mintId(a, 'findingId'));
    expect(eventIdFor(reused, 'case-x', 0)).not.toBe(eventIdFor(a, 'case-x', 0));
  });

  it('without a key every id is fresh', () => {
    const a = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: 'r1' });
    expect(mintId(a, 'x')).not.toBe(mintId(a, 'x'));
    expect(eventIdFor(a, 's', 0)).not.toBe(eventIdFor(a, 's', 0));
  });
});
