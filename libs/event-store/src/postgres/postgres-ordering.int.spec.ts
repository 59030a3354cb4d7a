import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { comparePositions, START } from '../event-store.port';
import { event } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

const TOTAL = 20_000;
const WRITERS = 8;
const BATCH = 25;

/**
 * A transaction that takes a lower global_position but commits after later ones must not be
 * skipped by a subscriber that already moved past the later ones (the classic identity-gap bug).
 */
describe('$all subscription with slow-before-fast commits', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pools.app, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it(`8 writers, ${TOTAL} events, some transactions held open: every event seen exactly once, in order`, async () => {
    const controller = new AbortController();
    const seen = new Map<string, number>();
    let previous = START;
    let outOfOrder = 0;
    const subscriber = (async () => {
      for await (const e of store.subscribeToAll({ signal: controller.signal, batchSize: 1000 })) {
        if (comparePositions(previous, e.position) >= 0) outOfOrder++;
        seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1);
        previous = e.position;
        if (seen.size === TOTAL) controller.abort();
      }
    })();

    const written: string[] = [];
    const perWriter = TOTAL / WRITERS / BATCH;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const stream = `order-${randomUUID()}`;
          const batch = Array.from({ length: BATCH }, () => event('Ordered', { w, i }));
          written.push(...batch.map((e) => e.eventId));
          if (i % 10 === 3) {
            // Slow writer: insert first (taking low positions), commit after others have committed.
            const client = await db.pools.app.connect();
            try {
              await client.query('begin');
              await client.query(
                `insert into eventstore.streams (stream_id, revision) values ($1, $2)`,
                [stream, String(BATCH - 1)],
              );
              for (const [r, e] of batch.entries()) {
                await client.query(
                  `insert into eventstore.events (stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
                   values ($1, $2, $3, $4, 'application/json', $5, $6)`,
                  [stream, r, e.eventId, e.type, Buffer.from(e.data), JSON.stringify(e.metadata)],
                );
              }
              await new Promise((r) => setTimeout(r, 30 + Math.random() * 70));
              await client.query(`select pg_notify('ortholedger_events', $1)`, [stream]);
              await client.query('commit');
            } finally {
              client.release();
            }
          } else {
            await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
          }
        }
      }),
    );
    await subscriber;
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    const skipped = written.filter((id) => !seen.has(id)).length;
    expect({ seen: seen.size, skipped, duplicated, outOfOrder }).toEqual({ seen: TOTAL, skipped: 0, duplicated: 0, outOfOrder: 0 });
  }, 180_000);
});

describe('$all ordering across transaction-id digit boundaries', () => {
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

  it('orders by the numeric transaction id, not its text (9 < 10 < 99 < 100)', async () => {
    // Old transaction ids, forged by a superuser with the stamping trigger off, positions reversed.
    const admin = await db.admin();
    const xids = [100, 99, 11, 10, 9, 8];
    try {
      await admin.query('alter table eventstore.events disable trigger events_stamp_transaction');
      for (const [i, xid] of xids.entries()) {
        const stream = `digits-${randomUUID()}`;
        await admin.query('insert into eventstore.streams (stream_id, revision) values ($1, 0)', [stream]);
        await admin.query(
          `insert into eventstore.events (transaction_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
           values ($1::text::xid8, $2, 0, $3, 'Digit', 'application/json', '\\x00', $4)`,
          [String(xid), stream, randomUUID(), JSON.stringify({ i })],
        );
      }
      await admin.query('alter table eventstore.events enable trigger events_stamp_transaction');
    } finally {
      await admin.end();
    }
    const commits: bigint[] = [];
    let from = START;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 2 });
      if (page.length === 0) break;
      commits.push(...page.map((e) => e.position.commit));
      from = page[page.length - 1].position;
    }
    expect(commits).toEqual([8n, 9n, 10n, 11n, 99n, 100n]);
  });

  it('the application cannot choose the transaction id of an event', async () => {
    const stream = `forge-${randomUUID()}`;
    await db.pools.app.query('insert into eventstore.streams (stream_id, revision) values ($1, 0)', [stream]);
    await db.pools.app.query(
      `insert into eventstore.events (transaction_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
       values ('5'::xid8, $1, 0, $2, 'Forged', 'application/json', '\\x00', '{}')`,
      [stream, randomUUID()],
    );
    const { rows } = await db.pools.app.query('select transaction_id::text as t from eventstore.events where stream_id = $1', [stream]);
    expect(BigInt(rows[0].t)).toBeGreaterThan(5n);
  });
});
