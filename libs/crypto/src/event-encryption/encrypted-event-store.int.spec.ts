import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { eventStoreContract } from '../../../event-store/src/testing/event-store.contract';
import { cryptoFixture, type CryptoFixture } from '../testing/crypto-fixture';

// The decorator must keep every promise of the port (STYLE.md: one suite, every adapter).
describe('EncryptedEventStore over PostgresEventStore: event store contract', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const maxEventBytes = 64 * 1024;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db, { maxEventBytes });
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  eventStoreContract(() => ({ store: fx.store, maxEventBytes }));
});
