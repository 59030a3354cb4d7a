import { randomUUID } from 'node:crypto';
import { assertTransactionClockAhead, PostgresEventStore, TransactionClockBehind } from '@ortholedger/event-store';
import { loadConfig, startRuntime } from '@ortholedger/platform';
import { event } from '../../libs/event-store/src/testing/event-store.contract';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * $all is ordered by commit transaction id: a database whose counter is behind the log (a logical
 * restore) would put new events before the history, unseen by every projection. Start-up refuses.
 */
describe('start-up refuses a database whose transaction counter is behind the event log', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('passes on an empty log and after ordinary appends; refuses, at start-up too, once the log holds an id ahead of the counter', async () => {
    await assertTransactionClockAhead(db.pools.owner);
    const store = new PostgresEventStore({ pool: db.pools.app });
    await store.appendToStream(`clock-${randomUUID()}`, [event('Ticked')]);
    await store.close();
    await assertTransactionClockAhead(db.pools.owner);

    // What a logical restore into a fresh cluster looks like: rows whose ids are far ahead of its counter.
    const admin = await db.admin();
    try {
      const stream = `restored-${randomUUID()}`;
      await admin.query('alter table eventstore.events disable trigger events_stamp_transaction');
      await admin.query('insert into eventstore.streams (stream_id, revision) values ($1, 0)', [stream]);
      await admin.query(
        `insert into eventstore.events (transaction_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
         values ((pg_current_xact_id()::text::bigint + 1000000)::text::xid8, $1, 0, $2, 'Restored', 'application/json', '\\x7b7d', '{}')`,
        [stream, randomUUID()],
      );
      await admin.query('alter table eventstore.events enable trigger events_stamp_transaction');
    } finally {
      await admin.end();
    }
    await expect(assertTransactionClockAhead(db.pools.owner)).rejects.toBeInstanceOf(TransactionClockBehind);
    const config = loadConfig({ DATABASE_URL: db.url, DATA_DIR: `/tmp/ortholedger-test-${db.name}` });
    await expect(startRuntime(config)).rejects.toThrow(/transaction ids below those already in the event log/);
  });
});
