import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ortholedger/event-store';
import { event } from '../../libs/event-store/src/testing/event-store.contract';
import { cliEnvFor, runCli } from '../support/cli-bin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The built CLI, as an engineer runs it, against a test database. */
const cli = (db: TestDatabase, ...args: string[]) => runCli(cliEnvFor(db), ...args);

describe('ortholedger db / events', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const stream = `cli-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    store = new PostgresEventStore({ pool: db.pools.app });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('db migrate applies every migration once', async () => {
    const first = await cli(db, 'db', 'migrate', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).applied).toEqual(expect.arrayContaining(['0000_app_role', '0100_event_store']));
    const again = await cli(db, 'db', 'migrate');
    expect(again.stdout.trim()).toBe('database is up to date');
  });

  it('events stats counts streams and events', async () => {
    await store.appendToStream(stream, [event(), event(), event()], { expectedRevision: 'no_stream' });
    const stats = await cli(db, 'events', 'stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ streams: 1, events: 3, head: expect.stringMatching(/^\d+\/\d+$/), eventStore: 'postgres' });
  });

  it('with EVENT_STORE=eventstoredb, stats asks EventStoreDB and verify refuses: neither reports the Postgres tables as the log', async () => {
    // Nothing listens on port 1: stats must fail reaching the configured store rather than count the Postgres tables.
    const esdb = { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' };
    const stats = await runCli({ DATABASE_URL: db.url, ...esdb }, 'events', 'stats', '--json');
    expect([stats.code, stats.stdout]).toEqual([1, '']);
    expect(stats.stderr).toContain('127.0.0.1:1');
    const verify = await runCli({ DATABASE_URL: db.url, ...esdb }, 'events', 'verify', '--json');
    expect([verify.code, verify.stdout]).toEqual([1, '']);
    expect(verify.stderr).toContain('events verify checks the Postgres event store; EVENT_STORE=eventstoredb');
  });

  it('events verify passes, then exits 1 naming the stream after a superuser removes an event', async () => {
    const ok = await cli(db, 'events', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 1 streams, 3 events/);
    const admin = await db.admin();
    try {
      await admin.query('alter table eventstore.events disable trigger events_no_update_delete');
      await admin.query('delete from eventstore.events where stream_id = $1 and stream_revision = 1', [stream]);
      await admin.query('alter table eventstore.events enable trigger events_no_update_delete');
    } finally {
      await admin.end();
    }
    const bad = await cli(db, 'events', 'verify', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstBadStream: stream });
  });

  it('a bad configuration value stops the CLI with a message naming the variable', async () => {
    const { code, stderr } = await runCli({ DATABASE_URL: db.url, EVENT_STORE: 'mongodb', LOG_LEVEL: undefined }, 'events', 'stats');
    expect(code).toBe(1);
    expect(stderr).toContain('EVENT_STORE');
  });

  it('db purge-idempotency deletes only records older than the retention, as the owner; a bad value deletes nothing', async () => {
    const insert = (createdAt: string) =>
      db.pools.owner.query(
        `insert into command_idempotency.requests (actor_id, key_digest, fingerprint, route, created_at) values ($1, $2, $2, 'POST /x', $3)`,
        [randomUUID(), randomUUID().replace(/-/g, '').repeat(2), createdAt],
      );
    await insert(new Date(Date.now() - 50 * 3_600_000).toISOString());
    await insert(new Date(Date.now() - 30 * 3_600_000).toISOString());
    await insert(new Date().toISOString());
    const count = async () => Number((await db.pools.owner.query('select count(*) from command_idempotency.requests')).rows[0].count);
    expect(await count()).toBe(3);

    const bad = await cli(db, 'db', 'purge-idempotency', '--older-than-hours', '0');
    expect(bad.code).not.toBe(0);
    expect(await count()).toBe(3);

    const week = await cli(db, 'db', 'purge-idempotency', '--older-than-hours', '48', '--json');
    expect(week.code).toBe(0);
    expect(JSON.parse(week.stdout)).toMatchObject({ deleted: 1 });
    const day = await cli(db, 'db', 'purge-idempotency');
    expect(day.code).toBe(0);
    expect(day.stdout).toMatch(/^deleted 1 idempotency record/);
    expect(await count()).toBe(1);
    // The app role may not delete (retention is the owner's job).
    await expect(db.pools.app.query('delete from command_idempotency.requests')).rejects.toMatchObject({ code: '42501' });
  });
});
