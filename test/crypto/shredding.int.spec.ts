import { randomUUID } from 'node:crypto';
import {
  CryptoInputError,
  ErasureListener,
  DataKeys,
  DekCache,
  EncryptedEventStore,
  KeyStore,
  SubjectErased,
} from '@ortholedger/crypto';
import type { RecordedEvent } from '@ortholedger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, decodeJson, phiEvent, readAllSettled } from '../../libs/crypto/src/testing/crypto-fixture';

describe('crypto-shredding: eraseSubject', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const erased = randomUUID();
  const kept = randomUUID();
  const actor = randomUUID();
  const canary = (who: string, what: string) => `CANARY-${what}-${who}`;
  const streams = { erased: [`patient-${erased}`, `case-${randomUUID()}`, `case-${randomUUID()}`], kept: [`patient-${kept}`, `case-${randomUUID()}`] };

  const contains = (events: RecordedEvent[], text: string) => events.some((e) => Buffer.from(e.data).includes(Buffer.from(text)));
  const coldStore = () =>
    new EncryptedEventStore({ inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider: fx.provider, cache: new DekCache() }) });

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    for (const [who, list] of [[erased, streams.erased], [kept, streams.kept]] as const) {
      for (const stream of list) {
        await fx.store.appendToStream(stream, [
          phiEvent(who, { name: canary(who, 'name'), dob: '1984-03-02' }, 'PatientRegistered'),
          phiEvent(who, { diagnosis: canary(who, 'diagnosis') }, 'ClinicalFindingsRecorded', { schemaVersion: 2 }),
        ]);
      }
    }
    // Warm this process's cache so the erasure must also evict.
    for (const stream of streams.erased) await fx.store.readStream(stream);
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('refuses free-text reasons and bad ids (erasure records must hold no PHI)', async () => {
    await expect(fx.vault.eraseSubject(erased, 'patient Jane Doe asked by phone', actor)).rejects.toBeInstanceOf(CryptoInputError);
    await expect(fx.vault.eraseSubject('jane-doe', 'gdpr_art17', actor)).rejects.toBeInstanceOf(CryptoInputError);
  });

  it('refuses a subject no key is filed under (a case id, a typo) and records no erasure', async () => {
    const nobody = randomUUID();
    await expect(fx.vault.eraseSubject(nobody, 'gdpr_art17', actor)).rejects.toThrow(/no data keys are filed under this subject/);
    expect(await fx.vault.erasures(nobody)).toEqual([]);
  });

  it('destroys every key version of every stream of the subject, and records the erasure', async () => {
    const report = await fx.vault.eraseSubject(erased, 'gdpr_art17:TICKET-4711', actor);
    expect(report).toMatchObject({ streams: 3, keyVersions: 3 });
    const keys = await db.pools.owner.query(
      'select stream_id, wrapped_key, destroyed_at, destroyed_by, destroy_reason from keyvault.data_keys where subject_id = $1',
      [erased],
    );
    expect(keys.rows).toHaveLength(3);
    for (const row of keys.rows) {
      expect(row.wrapped_key).toBeNull();
      expect(row.destroyed_at).toBeInstanceOf(Date);
      expect(row.destroyed_by).toBe(actor);
    }
    const [record] = await fx.vault.erasures(erased);
    expect(record).toMatchObject({ subjectId: erased, actorId: actor, reason: 'gdpr_art17:TICKET-4711', streams: 3, keyVersions: 3 });
    expect(record.erasedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(record)).not.toMatch(/CANARY|1984/);
  });

  it('0 plaintext of the erased patient is recoverable through the application, warm or cold', async () => {
    for (const store of [fx.store, coldStore()]) {
      for (const stream of streams.erased) {
        const events = await store.readStream(stream);
        expect(events).toHaveLength(2);
        for (const e of events) {
          expect(e.redacted).toBe(true);
          expect(e.data.byteLength).toBe(0);
          expect(e.metadata.subjectId).toBe(erased);
        }
        expect(events.map((e) => e.type)).toEqual(['PatientRegistered', 'ClinicalFindingsRecorded']);
        expect(events[1].metadata.schemaVersion).toBe(2);
      }
      const all = await readAllSettled(store, 10);
      expect(all).toHaveLength(10);
      expect(contains(all, erased.slice(0, 8)) || contains(all, canary(erased, 'name')) || contains(all, canary(erased, 'diagnosis'))).toBe(false);
      expect(all.filter((e) => e.redacted)).toHaveLength(6);
    }
  });

  it('other patients are unaffected', async () => {
    const all = await readAllSettled(coldStore(), 10);
    const keptEvents = all.filter((e) => e.metadata.subjectId === kept);
    expect(keptEvents).toHaveLength(4);
    expect(keptEvents.every((e) => !e.redacted)).toBe(true);
    expect(contains(keptEvents, canary(kept, 'name'))).toBe(true);
    expect(decodeJson(keptEvents[1].data)).toEqual({ diagnosis: canary(kept, 'diagnosis') });
  });

  it('appends for the erased subject are refused, on old and on new streams', async () => {
    const error = await fx.store.appendToStream(streams.erased[0], [phiEvent(erased, { name: 'again' })]).catch((e) => e);
    expect(error).toBeInstanceOf(SubjectErased);
    expect(error.code).toBe('CRYPTO.SUBJECT_ERASED');
    await expect(fx.store.appendToStream(`case-${randomUUID()}`, [phiEvent(erased, { note: 'new case' })])).rejects.toBeInstanceOf(SubjectErased);
    await expect(coldStore().appendToStream(streams.erased[1], [phiEvent(erased, { note: 'x' })])).rejects.toBeInstanceOf(SubjectErased);
    expect(await fx.inner.readStream(streams.erased[0])).toHaveLength(2);
  });

  it('another process that had the keys cached drops them as soon as the erasure commits', async () => {
    const subject = randomUUID();
    const stream = `patient-${subject}`;
    await fx.store.appendToStream(stream, [phiEvent(subject, { name: canary(subject, 'name') })]);
    const other = coldStore();
    const otherKeys = (other as unknown as { options: { keys: DataKeys } }).options.keys;
    const listener = new ErasureListener(db.pools.app, otherKeys);
    await listener.start();
    try {
      expect((await other.readStream(stream))[0].redacted).toBeUndefined(); // cached in the other process now
      await fx.vault.eraseSubject(subject, 'gdpr_art17', actor);
      const deadline = Date.now() + 5000;
      while (otherKeys.cachedKey(stream, 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await other.readStream(stream))[0].redacted).toBe(true);
      await expect(other.appendToStream(stream, [phiEvent(subject, { n: 2 })])).rejects.toBeInstanceOf(SubjectErased);
    } finally {
      await listener.close();
    }
  });

  it('a listener that could not connect at start keeps trying, and then drops the keys an erasure destroyed', async () => {
    const subject = randomUUID();
    const stream = `patient-${subject}`;
    await fx.store.appendToStream(stream, [phiEvent(subject, { name: canary(subject, 'name') })]);
    const other = coldStore();
    const otherKeys = (other as unknown as { options: { keys: DataKeys } }).options.keys;
    // The database is out of reach for the first connection only (a restart while this process starts).
    let refusals = 1;
    const pool = new Proxy(db.pools.app, {
      get(target, property) {
        if (property === 'connect' && refusals > 0) {
          refusals--;
          return () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const errors: Error[] = [];
    const listener = new ErasureListener(pool, otherKeys, (error) => void errors.push(error));
    await expect(listener.start()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    try {
      expect((await other.readStream(stream))[0].redacted).toBeUndefined(); // cached here meanwhile
      // Once it listens (a retry a second later) it clears what it cached while deaf, and hears the erasure.
      const deadline = Date.now() + 5000;
      while (otherKeys.cachedKey(stream, 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(otherKeys.cachedKey(stream, 1)).toBeUndefined();
      expect((await other.readStream(stream))[0].redacted).toBeUndefined();
      await fx.vault.eraseSubject(subject, 'gdpr_art17', actor);
      while (otherKeys.cachedKey(stream, 1) && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
      expect((await other.readStream(stream))[0].redacted).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  it('a writer in another process holding a lease is refused once its cached key is gone', async () => {
    const subject = randomUUID();
    const stream = `patient-${subject}`;
    const keys = new DataKeys({ store: new KeyStore(db.pools.app), provider: fx.provider, cache: new DekCache() });
    const writer = new EncryptedEventStore({ inner: fx.inner, keys });
    await writer.appendToStream(stream, [phiEvent(subject, { n: 1 })]); // holds a lease of 255 more encryptions
    await fx.vault.eraseSubject(subject, 'gdpr_art17', actor);
    keys.cache.clear(); // TTL expiry (or the listener's reconnect) in that process
    await expect(writer.appendToStream(stream, [phiEvent(subject, { n: 2 })])).rejects.toBeInstanceOf(SubjectErased);
    keys.close();
  });

  it('the database itself refuses to bring a destroyed key back or to issue one for the erased subject', async () => {
    await expect(
      db.pools.owner.query("update keyvault.data_keys set wrapped_key = '\\x00', destroyed_at = null where subject_id = $1", [erased]),
    ).rejects.toThrow(/stays destroyed/);
    await expect(
      db.pools.app.query(
        "insert into keyvault.data_keys (stream_id, key_version, subject_id, purpose, wrapped_key, provider_key_ref) values ($1, 9, $2, 'event-data', '\\x00', 'x')",
        [`case-${randomUUID()}`, erased],
      ),
    ).rejects.toThrow(/erased/);
  });

  it('a key version filed under another subject (or none) is refused, so it cannot outlive the stream subject\'s erasure', async () => {
    const subject = randomUUID();
    const stream = `patient-${subject}`;
    await fx.store.appendToStream(stream, [phiEvent(subject, { n: 1 })]);
    const { rows } = await db.pools.app.query('select wrapped_key, provider_key_ref from keyvault.data_keys where stream_id = $1 and key_version = 1', [stream]);
    // A copy of the live wrapped key as a new version without the subject: erase_subject, which destroys by subject, would miss it.
    for (const other of [null, randomUUID()]) {
      await expect(
        db.pools.app.query(
          "insert into keyvault.data_keys (stream_id, key_version, subject_id, purpose, wrapped_key, provider_key_ref) values ($1, 2, $2, 'event-data', $3, $4)",
          [stream, other, rows[0].wrapped_key, rows[0].provider_key_ref],
        ),
      ).rejects.toThrow(/keeps the subject of its first key/);
    }
    await fx.vault.eraseSubject(subject, 'gdpr_art17', actor);
    const { rows: live } = await db.pools.app.query('select count(*)::int as n from keyvault.data_keys where stream_id = $1 and wrapped_key is not null', [stream]);
    expect(live[0].n).toBe(0);
  });
});
