import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { PostgresEventStore } from './postgres-event-store';
import { eventStoreContract } from '../testing/event-store.contract';

describe('PostgresEventStore contract', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const maxEventBytes = 64 * 1024;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pools.app, maxEventBytes, pollIntervalMs: 100 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  eventStoreContract(() => ({ store, maxEventBytes }));
});
