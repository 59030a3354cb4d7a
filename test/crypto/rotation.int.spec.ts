import { randomUUID } from 'node:crypto';
import {
  BLIND_INDEX_ROOT,
  BlindIndex,
  CryptoConfigError,
  normalise,
  RootKey,
  DataKeys,
  DekCache,
  EncryptedEventStore,
  KeyStore,
  KeyVault,
  LocalKeyProvider,
  parseHeader,
  type KeyProvider,
  type RewrapProgress,
} from '@ortholedger/crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, decodeJson, phiEvent, readAllSettled } from '../../libs/crypto/src/testing/crypto-fixture';

describe('master key rotation: re-wrap every DEK, retire the old master key', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const patients = Array.from({ length: 30 }, () => randomUUID());
  let eventsBefore: { event_id: string; data: Buffer }[];
  let indexBefore: string;
  const lastNameIndex = (root: RootKey) =>
    new BlindIndex(root, { table: 'patient_directory', column: 'last_name', index: 'exact', normalise: normalise.text }).computeHex('Lovelace');

  const freshReader = (provider: KeyProvider) =>
    new EncryptedEventStore({ inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider, cache: new DekCache() }) });
  const rawEvents = async () =>
    (await db.pools.owner.query<{ event_id: string; data: Buffer }>('select event_id, data from eventstore.events order by global_position')).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    for (const p of patients) {
      await fx.store.appendToStream(`patient-${p}`, [phiEvent(p, { name: `name-${p}` }), phiEvent(p, { dob: '1990-01-01' })]);
      await fx.store.appendToStream(`case-${randomUUID()}`, [phiEvent(p, { finding: `finding-${p}` }, 'CaseOpened')]);
    }
    eventsBefore = await rawEvents();
    const root = await RootKey.load({ pool: db.pools.app, provider: fx.provider }, BLIND_INDEX_ROOT);
    indexBefore = lastNameIndex(root);
    root.close();
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('retiring a master key version that still wraps DEKs is refused', async () => {
    (fx.provider as LocalKeyProvider).rotateMasterKey();
    await expect(fx.vault.retireLocalMasterKey(1)).rejects.toThrow(CryptoConfigError);
  });

  it('re-wrap is resumable: a run that dies half-way is finished by the next one', async () => {
    let calls = 0;
    const flaky: KeyProvider = Object.create(fx.provider);
    flaky.rewrapDataKey = async (wrapped, context, keyRef) => {
      if (++calls > 25) throw new Error('operator pressed ctrl-c');
      return fx.provider.rewrapDataKey(wrapped, context, keyRef);
    };
    const first = new KeyVault({ pool: db.pools.owner, provider: flaky, rewrapConcurrency: 1 });
    await expect(first.rewrapAll()).rejects.toThrow('ctrl-c');

    const progress: RewrapProgress[] = [];
    const report = await fx.vault.rewrapAll({ onProgress: (p) => progress.push(p), batchSize: 7 });
    expect(report.total).toBe(patients.length * 2 + 1 - 25); // every DEK and the blind-index root key
    expect(report.done).toBe(report.total);
    expect(report.keyRef).toBe('local:v2');
    expect(progress[0]).toEqual({ total: report.total, done: 0, skipped: 0 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((x, y) => x - y));
    const refs = await db.pools.owner.query(
      'select distinct provider_key_ref from (select provider_key_ref from keyvault.data_keys union all select provider_key_ref from keyvault.index_root_keys) k',
    );
    expect(refs.rows).toEqual([{ provider_key_ref: 'local:v2' }]);
    expect((await fx.vault.rewrapAll()).total).toBe(0); // nothing left: a rerun is a no-op
  });

  it('events are never touched by a re-wrap', async () => {
    expect(await rawEvents()).toEqual(eventsBefore);
  });

  it('after retiring v1, 100% of events are readable by a fresh process', async () => {
    await fx.vault.retireLocalMasterKey(1);
    const provider = new LocalKeyProvider({ file: fx.keyringFile });
    expect(provider.versions()).toEqual([
      { version: 1, current: false, retired: true },
      { version: 2, current: true, retired: false },
    ]);
    const all = await readAllSettled(freshReader(provider), patients.length * 3);
    expect(all).toHaveLength(patients.length * 3);
    expect(all.every((e) => !e.redacted && typeof decodeJson(e.data) === 'object')).toBe(true);
    // The root key material is unchanged by the re-wrap, so existing blind indexes still match.
    const root = await RootKey.load({ pool: db.pools.app, provider }, BLIND_INDEX_ROOT);
    expect(lastNameIndex(root)).toBe(indexBefore);
    root.close();
  });
});

describe('DEK versions: the encryption cap forces a new version', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const CAP = 5;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db, { maxEncryptionsPerKey: CAP, leaseSize: 64 });
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  const versionsOf = async (stream: string) => (await fx.inner.readStream(stream)).map((e) => parseHeader(e.data)!.keyVersion);
  const counters = async (stream: string) =>
    (await db.pools.owner.query('select key_version, encryptions::int from keyvault.data_keys where stream_id = $1 order by 1', [stream])).rows;

  it(`switches at exactly ${CAP} encryptions, one event at a time`, async () => {
    const p = randomUUID();
    const stream = `patient-${p}`;
    for (let i = 0; i < 12; i++) await fx.store.appendToStream(stream, [phiEvent(p, { i })], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) });
    expect(await versionsOf(stream)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3]);
    expect((await counters(stream)).slice(0, 2)).toEqual([
      { key_version: 1, encryptions: CAP },
      { key_version: 2, encryptions: CAP },
    ]);
    const read = await fx.store.readStream(stream);
    expect(read.map((e) => (decodeJson(e.data) as { i: number }).i)).toEqual([...Array(12).keys()]);
  });

  it('splits one batch across versions', async () => {
    const p = randomUUID();
    const stream = `patient-${p}`;
    await fx.store.appendToStream(stream, Array.from({ length: 13 }, (_, i) => phiEvent(p, { i })), { expectedRevision: 'no_stream' });
    expect(await versionsOf(stream)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3]);
    expect(await fx.store.readStream(stream)).toHaveLength(13);
  });

  it('two writer processes sharing the keyvault never exceed the cap of a version', async () => {
    const p = randomUUID();
    const stream = `patient-${p}`;
    const second = new EncryptedEventStore({
      inner: fx.inner,
      keys: new DataKeys({ store: new KeyStore(db.pools.app), provider: fx.provider, maxEncryptionsPerKey: CAP, leaseSize: 2 }),
    });
    for (let i = 0; i < 20; i++) await (i % 2 ? second : fx.store).appendToStream(stream, [phiEvent(p, { i })]);
    const perVersion = new Map<number, number>();
    for (const v of await versionsOf(stream)) perVersion.set(v, (perVersion.get(v) ?? 0) + 1);
    expect([...perVersion.values()].every((n) => n <= CAP)).toBe(true);
    expect((await counters(stream)).every((r: { encryptions: number }) => r.encryptions <= CAP)).toBe(true);
    expect(await second.readStream(stream)).toHaveLength(20);
  });
});
