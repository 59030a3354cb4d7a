import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { TamperDetected } from '@ortholedger/crypto';
import type { RecordedEvent } from '@ortholedger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';

// Offsets of the v1 format: header 0..7 (magic, format, algorithm, key version), nonce 8..19, tag = last 16.
type Mutation = { kind: string; apply(row: RawRow, admin: pg.Client, i: number): Promise<void> };
interface RawRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  data: Buffer;
  metadata: Record<string, unknown>;
}

const flip = (range: (len: number) => [number, number]) => async (row: RawRow, admin: pg.Client, i: number) => {
  const data = Buffer.from(row.data);
  const [from, to] = range(data.length);
  const at = from + (i * 7919) % (to - from);
  data[at] ^= 1 << (i % 8);
  await admin.query('update eventstore.events set data = $2 where global_position = $1', [row.global_position, data]);
};
const set = (column: string, value: (row: RawRow, i: number) => unknown) => async (row: RawRow, admin: pg.Client, i: number) => {
  await admin.query(`update eventstore.events set ${column} = $2 where global_position = $1`, [row.global_position, value(row, i)]);
};

const mutations: Mutation[] = [
  { kind: 'nonce byte', apply: flip(() => [8, 20]) },
  { kind: 'ciphertext byte', apply: flip((len) => [20, len - 16]) },
  { kind: 'tag byte', apply: flip((len) => [len - 16, len]) },
  { kind: 'header byte (magic, format, algorithm, key version)', apply: flip(() => [0, 8]) },
  { kind: 'stream revision', apply: set('stream_revision', (r) => String(BigInt(r.stream_revision) + 1_000_000n)) },
  {
    kind: 'stream id (moved into another patient stream)',
    apply: async (row, admin, i) => {
      const { rows } = await admin.query<{ stream_id: string }>(
        'select stream_id from eventstore.streams where stream_id <> $1 order by stream_id offset $2 limit 1',
        [row.stream_id, i % 10],
      );
      await admin.query('update eventstore.events set stream_id = $2, stream_revision = $3 where global_position = $1', [
        row.global_position,
        rows[0].stream_id,
        String(BigInt(row.stream_revision) + 2_000_000n + BigInt(i)),
      ]);
    },
  },
  { kind: 'event id', apply: set('event_id', () => randomUUID()) },
  { kind: 'event type', apply: set('event_type', () => 'ConsentRecorded') },
  { kind: 'metadata.schemaVersion', apply: set('metadata', (r) => ({ ...r.metadata, schemaVersion: 2 })) },
  { kind: 'metadata.subjectId', apply: set('metadata', (r) => ({ ...r.metadata, subjectId: randomUUID() })) },
  { kind: 'metadata.actorId', apply: set('metadata', (r) => ({ ...r.metadata, actorId: randomUUID() })) },
];

describe('bit flips and edits of AAD-bound columns across 1,000 events', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  let admin: pg.Client;
  const STREAMS = 50;
  const PER_STREAM = 20;
  const secret = (i: number) => `canary-diagnosis-${i}-${randomUUID()}`;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    admin = await db.admin();
    for (let s = 0; s < STREAMS; s++) {
      const patient = randomUUID();
      const batch = Array.from({ length: PER_STREAM }, (_, i) => {
        secrets.push(secret(s * PER_STREAM + i));
        return phiEvent(patient, { diagnosis: secrets[secrets.length - 1] }, 'ClinicalFindingsRecorded');
      });
      await fx.store.appendToStream(`patient-${patient}`, batch, { expectedRevision: 'no_stream' });
    }
    // The attacker: a superuser who switches off the append-only trigger.
    await admin.query('alter table eventstore.events disable trigger events_no_update_delete');
    const { rows } = await admin.query<RawRow>(
      'select global_position, stream_id, stream_revision::text, data, metadata from eventstore.events order by global_position',
    );
    expect(rows).toHaveLength(STREAMS * PER_STREAM);
    for (let i = 0; i < rows.length; i++) await mutations[i % mutations.length].apply(rows[i], admin, i);
    await admin.query('alter table eventstore.events enable trigger events_no_update_delete');
  });
  afterAll(async () => {
    await admin.end();
    await fx.close();
    await db.drop();
  });

  it('every one of the 1,000 edited events is TamperDetected and releases no plaintext', async () => {
    const { rows } = await admin.query<{ stream_id: string }>('select distinct stream_id from eventstore.events');
    const raw: RecordedEvent[] = [];
    for (const { stream_id } of rows) raw.push(...(await fx.inner.readStream(stream_id)));
    expect(raw).toHaveLength(1000);
    const outcome = new Map<string, { tamper: number; other: number }>();
    let released = 0;
    for (const event of raw) {
      const kind = mutations[Number(event.position.prepare - 1n) % mutations.length].kind;
      const tally = outcome.get(kind) ?? { tamper: 0, other: 0 };
      outcome.set(kind, tally);
      try {
        await fx.store.open(event);
        released++;
        tally.other++;
      } catch (error) {
        if (error instanceof TamperDetected) {
          tally.tamper++;
          expect(error.code).toBe('CRYPTO.TAMPER_DETECTED');
          expect(error.streamId).toBe(event.streamId);
          expect(error.revision).toBe(event.revision);
          expect(secrets.some((s) => error.message.includes(s))).toBe(false);
        } else tally.other++;
      }
    }
    console.log(`bit flips: ${[...outcome].map(([k, v]) => `${k}: ${v.tamper}/${v.tamper + v.other}`).join('; ')}`);
    expect(released).toBe(0);
    expect([...outcome.values()].reduce((n, v) => n + v.tamper, 0)).toBe(1000);
  });

  it('reading a tampered stream fails as a whole: no event is skipped', async () => {
    const { rows } = await admin.query<{ stream_id: string }>('select stream_id from eventstore.events limit 1');
    await expect(fx.store.readStream(rows[0].stream_id)).rejects.toBeInstanceOf(TamperDetected);
    await expect(fx.store.readAll({ maxCount: 100 })).rejects.toBeInstanceOf(TamperDetected);
  });
});
