import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { event } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { verifyStreams } from './verify-streams';

describe('the events table is append-only', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let admin: pg.Client;
  const stream = `history-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pools.app });
    admin = await db.admin();
    await store.appendToStream(stream, [event(), event(), event()], { expectedRevision: 'no_stream' });
  });
  afterAll(async () => {
    await admin.end();
    await store.close();
    await db.drop();
  });

  const attacks = [
    ['UPDATE', `update eventstore.events set event_type = 'Forged'`],
    ['DELETE', `delete from eventstore.events`],
    ['TRUNCATE', `truncate eventstore.events cascade`],
  ];

  it.each(attacks)('%s fails for the application role', async (_op, statement) => {
    const error = await db.pools.app.query(statement).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('42501'); // insufficient privilege
  });

  it.each(attacks)('%s fails for the owner too (trigger)', async (_op, statement) => {
    await expect(db.pools.owner.query(statement)).rejects.toThrow(/append-only|only moves forwards/);
  });

  it('the application really runs as the least-privilege role', async () => {
    const { rows } = await db.pools.app.query('select current_user as who');
    expect(rows[0].who).toBe('ortholedger_app');
  });

  it('a stream head cannot be moved backwards', async () => {
    await expect(db.pools.app.query(`update eventstore.streams set revision = 0 where stream_id = $1`, [stream])).rejects.toThrow(
      /only moves forwards/,
    );
  });

  it('verify finds a gap made by a superuser who disabled the trigger', async () => {
    expect((await verifyStreams(db.pools.owner)).ok).toBe(true);
    await admin.query('alter table eventstore.events disable trigger events_no_update_delete');
    await admin.query(`delete from eventstore.events where stream_id = $1 and stream_revision = 1`, [stream]);
    await admin.query('alter table eventstore.events enable trigger events_no_update_delete');
    const result = await verifyStreams(db.pools.owner);
    expect(result).toMatchObject({ ok: false, firstBadStream: stream });
  });
});
