import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { WrongExpectedVersion } from '../event-store.errors';
import { event } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore under concurrent writers', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pools.app });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('100 concurrent appends with the same expected revision, 20 rounds: exactly one wins each round', async () => {
    const stream = `race-${randomUUID()}`;
    await store.appendToStream(stream, [event()], { expectedRevision: 'no_stream' });
    let expected = 0n;
    const tally = { won: 0, refused: 0, other: 0 };
    for (let round = 0; round < 20; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, () => store.appendToStream(stream, [event('Raced', { round })], { expectedRevision: expected })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof WrongExpectedVersion);
      expect(won).toHaveLength(1);
      expect(refused).toHaveLength(99);
      tally.won += won.length;
      tally.refused += refused.length;
      tally.other += 100 - won.length - refused.length;
      expected += 1n;
    }
    const events = await store.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual([...Array(21).keys()].map(BigInt));
    expect(tally).toEqual({ won: 20, refused: 1980, other: 0 });
  });

  it('concurrent appends with `any` all land, revisions contiguous', async () => {
    const stream = `any-${randomUUID()}`;
    await Promise.all(Array.from({ length: 50 }, () => store.appendToStream(stream, [event(), event()], { expectedRevision: 'any' })));
    const events = await store.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual([...Array(100).keys()].map(BigInt));
  });
});
