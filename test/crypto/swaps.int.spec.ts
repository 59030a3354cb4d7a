import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DataKeys, DekCache, EncryptedEventStore, KeyStore, KeyUnwrapFailed, TamperDetected } from '@ortholedger/crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';

describe('moving or swapping ciphertext and wrapped keys', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  let admin: pg.Client;
  const a = randomUUID();
  const b = randomUUID();
  const streamA = `patient-${a}`;
  const streamB = `patient-${b}`;

  const dataOf = async (stream: string, revision: number) =>
    (await admin.query<{ data: Buffer }>('select data from eventstore.events where stream_id = $1 and stream_revision = $2', [stream, revision])).rows[0].data;
  const setData = (stream: string, revision: number, data: Buffer) =>
    admin.query('update eventstore.events set data = $3 where stream_id = $1 and stream_revision = $2', [stream, revision, data]);
  /** A reader in a fresh process: nothing cached, every key unwrapped from the keyvault. */
  const coldStore = () =>
    new EncryptedEventStore({ inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider: fx.provider, cache: new DekCache() }) });
  const openAt = async (store: EncryptedEventStore, stream: string, revision: bigint) => {
    const [raw] = await fx.inner.readStream(stream, { fromRevision: revision, maxCount: 1 });
    return store.open(raw);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    admin = await db.admin();
    for (const [stream, subject] of [[streamA, a], [streamB, b]]) {
      const events = Array.from({ length: 6 }, (_, i) => phiEvent(subject, { note: `${stream} #${i}` }));
      await fx.store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    }
    await admin.query('alter table eventstore.events disable trigger events_no_update_delete');
  });
  afterAll(async () => {
    await admin.query('alter table eventstore.events enable trigger events_no_update_delete');
    await admin.end();
    await fx.close();
    await db.drop();
  });

  it('ciphertext moved to another revision of the same stream (same key) fails: the AAD binds the revision', async () => {
    await setData(streamA, 5, await dataOf(streamA, 3));
    const error = await openAt(fx.store, streamA, 5n).catch((e) => e);
    expect(error).toBeInstanceOf(TamperDetected);
    expect(error.message).toContain(`${streamA}@5`);
  });

  it('ciphertext moved to another stream fails', async () => {
    await setData(streamB, 4, await dataOf(streamA, 4));
    await expect(openAt(fx.store, streamB, 4n)).rejects.toBeInstanceOf(TamperDetected);
  });

  it('event ids swapped between two rows of one stream fail: the AAD binds the event id', async () => {
    const ids = await admin.query<{ stream_revision: string; event_id: string }>(
      'select stream_revision, event_id from eventstore.events where stream_id = $1 and stream_revision in (1, 2) order by 1',
      [streamA],
    );
    const [one, two] = ids.rows;
    const temp = randomUUID();
    await admin.query('update eventstore.events set event_id = $3 where stream_id = $1 and stream_revision = $2', [streamA, 1, temp]);
    await admin.query('update eventstore.events set event_id = $3 where stream_id = $1 and stream_revision = $2', [streamA, 2, one.event_id]);
    await admin.query('update eventstore.events set event_id = $3 where stream_id = $1 and stream_revision = $2', [streamA, 1, two.event_id]);
    await expect(openAt(fx.store, streamA, 1n)).rejects.toBeInstanceOf(TamperDetected);
    await expect(openAt(fx.store, streamA, 2n)).rejects.toBeInstanceOf(TamperDetected);
  });

  it('untouched events still read', async () => {
    const event = await openAt(fx.store, streamA, 0n);
    expect(JSON.parse(Buffer.from(event.data).toString())).toEqual({ note: `${streamA} #0` });
  });

  it('a key marked destroyed behind the application\'s back (no erasure record) reads as TamperDetected, not as redacted', async () => {
    const c = randomUUID();
    const stream = `patient-${c}`;
    await fx.store.appendToStream(stream, [phiEvent(c, { n: 1 })]);
    await admin.query('update keyvault.data_keys set wrapped_key = null, destroyed_at = now() where stream_id = $1', [stream]);
    await expect(coldStore().readStream(stream)).rejects.toBeInstanceOf(TamperDetected);
  });

  it("a wrapped DEK swapped in from another stream fails at unwrap (context mismatch) and reads are TamperDetected", async () => {
    const wrapped = async (stream: string) =>
      (await admin.query<{ wrapped_key: Buffer }>('select wrapped_key from keyvault.data_keys where stream_id = $1', [stream])).rows[0].wrapped_key;
    const wrappedB = await wrapped(streamB);
    await expect(fx.provider.decryptDataKey(wrappedB, { stream: streamA, purpose: 'event-data' }, await fx.provider.currentKeyRef())).rejects.toBeInstanceOf(KeyUnwrapFailed);
    await admin.query('update keyvault.data_keys set wrapped_key = $2 where stream_id = $1', [streamA, wrappedB]);
    const error = await openAt(coldStore(), streamA, 0n).catch((e) => e);
    expect(error).toBeInstanceOf(TamperDetected);
    expect(error.reason).toMatch(/did not unwrap/);
  });
});
