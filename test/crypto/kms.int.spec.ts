import { randomUUID } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import { SecretKeyring } from '@ortholedger/access';
import {
  AwsKmsKeyProvider,
  BLIND_INDEX_ROOT,
  BlindIndex,
  KeyRefNotTrusted,
  normalise,
  RootKey,
  TamperDetected,
  type KeyProvider,
  DataKeys,
  DekCache,
  EncryptedEventStore,
  KeyAccessDenied,
  KeyProviderThrottled,
  KeyProviderUnavailable,
  KeyStore,
  KeyVault,
} from '@ortholedger/crypto';
import { StreamNotFound } from '@ortholedger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, decodeJson, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';
import { awsError, fakeKms, KEY_ALIAS, KEY_ARN, KEY_ARN_2 } from '../../libs/crypto/src/testing/fake-kms';

describe('EncryptedEventStore with the aws-kms provider (aws-sdk-client-mock)', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const kms = fakeKms();
  const provider = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client });
  const count = async (sql: string) => Number((await db.pools.owner.query(sql)).rows[0].n);
  const cold = () => new EncryptedEventStore({ inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider, cache: new DekCache() }) });

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db, { provider });
  });
  beforeEach(() => kms.healthy());
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('one GenerateDataKey per new stream, the context on every call, none for cached appends', async () => {
    const patient = randomUUID();
    const stream = `patient-${patient}`;
    for (let i = 0; i < 10; i++) await fx.store.appendToStream(stream, [phiEvent(patient, { i })]);
    expect(kms.mock.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(0);
    const reader = cold();
    expect((await reader.readStream(stream)).map((e) => (decodeJson(e.data) as { i: number }).i)).toEqual([...Array(10).keys()]);
    for (const call of [...kms.mock.commandCalls(GenerateDataKeyCommand), ...kms.mock.commandCalls(DecryptCommand)]) {
      expect(call.args[0].input.EncryptionContext).toEqual({ stream, purpose: 'event-data' });
    }
  });

  it.each([
    ['KMS unreachable', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), KeyProviderUnavailable],
    ['KMS throttling', awsError('ThrottlingException'), KeyProviderThrottled],
    ['KMS access denied', awsError('AccessDeniedException'), KeyAccessDenied],
    ['KMS internal error', awsError('KMSInternalException', 500), KeyProviderUnavailable],
  ])('%s: a new stream\'s append fails closed with a typed error and writes nothing', async (_what, error, type) => {
    kms.mock.on(GenerateDataKeyCommand).rejects(error);
    const before = await count('select count(*) as n from eventstore.events');
    const patient = randomUUID();
    await expect(fx.store.appendToStream(`patient-${patient}`, [phiEvent(patient, { name: 'x' })])).rejects.toBeInstanceOf(type);
    expect(await count('select count(*) as n from eventstore.events')).toBe(before);
    await expect(fx.inner.readStream(`patient-${patient}`)).rejects.toBeInstanceOf(StreamNotFound);
    expect(await count(`select count(*) as n from keyvault.data_keys where stream_id = 'patient-${patient}'`)).toBe(0);
  });

  it('KMS down: an existing stream whose key is not cached can neither be appended to nor read', async () => {
    const patient = randomUUID();
    const stream = `patient-${patient}`;
    await fx.store.appendToStream(stream, [phiEvent(patient, { n: 1 })]);
    kms.mock.on(DecryptCommand).rejects(awsError('KMSInternalException', 500));
    const reader = cold();
    await expect(reader.appendToStream(stream, [phiEvent(patient, { n: 2 })])).rejects.toBeInstanceOf(KeyProviderUnavailable);
    await expect(reader.readStream(stream)).rejects.toBeInstanceOf(KeyProviderUnavailable);
    expect(await fx.inner.readStream(stream)).toHaveLength(1);
  });
});

describe('changing the KMS key: the alias moves to a new key, rows stay readable, keys rewrap moves them', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const kms = fakeKms();
  // A process that started before the alias moved and keeps running.
  const running = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client });
  // Processes started after the move: with the old ARN listed (AWS_KMS_PREVIOUS_KEY_IDS), and without.
  const withPrevious = () => new AwsKmsKeyProvider({ keyId: KEY_ALIAS, previousKeyIds: [KEY_ARN], client: kms.client });
  const newOnly = () => new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client });
  const reader = (provider: KeyProvider) =>
    new EncryptedEventStore({ inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider, cache: new DekCache() }) });
  const patients = Array.from({ length: 3 }, () => randomUUID());
  const streams = patients.map((p) => `patient-${p}`);
  const refs = async () =>
    (await db.pools.owner.query<{ ref: string }>(
      'select distinct provider_key_ref as ref from (select provider_key_ref from keyvault.data_keys union all select provider_key_ref from keyvault.index_root_keys) k order by 1',
    )).rows.map((r) => r.ref);
  const lastNameIndex = async (provider: KeyProvider) => {
    const root = await RootKey.load({ pool: db.pools.app, provider }, BLIND_INDEX_ROOT);
    try {
      return new BlindIndex(root, { table: 'patient_directory', column: 'last_name', index: 'exact', normalise: normalise.text }).computeHex('Lovelace');
    } finally {
      root.close();
    }
  };
  let indexBefore: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db, { provider: running });
    for (const [i, stream] of streams.entries()) await fx.store.appendToStream(stream, [phiEvent(patients[i], { i })]);
    indexBefore = await lastNameIndex(running);
    await SecretKeyring.load(db.pools.app, running); // the access root, as the CLI's key tools load it first
    expect(await refs()).toEqual([KEY_ARN]);
    kms.addKey(KEY_ARN_2);
    kms.moveAlias(KEY_ALIAS, KEY_ARN_2);
  });
  beforeEach(() => kms.healthy());
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('a process that trusts only the new key refuses rows under the old one with KeyRefNotTrusted (not TamperDetected) and asks KMS nothing', async () => {
    const alerts: TamperDetected[] = [];
    const alerted = new EncryptedEventStore({
      inner: fx.inner, keys: new DataKeys({ store: new KeyStore(db.pools.app), provider: newOnly(), cache: new DekCache() }), onTamper: (e) => void alerts.push(e),
    });
    const error = await alerted.readStream(streams[0]).catch((e) => e);
    expect(error).toBeInstanceOf(KeyRefNotTrusted);
    // Raised with its own code, and alerted as tampering too (an altered row makes the records unreadable).
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toContain('does not trust');
    expect(error).not.toBeInstanceOf(TamperDetected);
    expect(error.message).toContain('AWS_KMS_PREVIOUS_KEY_IDS');
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('with the old ARN listed, rows decrypt under the key each names (context kept); new keys go to the new key; the running process reads both', async () => {
    const provider = withPrevious();
    for (const [i, stream] of streams.entries()) {
      expect((await reader(provider).readStream(stream)).map((e) => decodeJson(e.data))).toEqual([{ i }]);
    }
    for (const call of kms.mock.commandCalls(DecryptCommand)) {
      expect(call.args[0].input.KeyId).toBe(KEY_ARN);
      expect(call.args[0].input.EncryptionContext).toMatchObject({ purpose: 'event-data' });
    }
    const patient = randomUUID();
    await reader(provider).appendToStream(`patient-${patient}`, [phiEvent(patient, { after: true })]);
    expect(await refs()).toEqual([KEY_ARN, KEY_ARN_2]);
    // The running process meets a ref it has not seen: the alias is resolved again and the new key trusted.
    expect(await reader(running).readStream(`patient-${patient}`)).toHaveLength(1);
    expect(await reader(running).readStream(streams[1])).toHaveLength(1);
  });

  it('KMS refusing the old key (pending deletion) is KeyAccessDenied, not TamperDetected', async () => {
    kms.scheduleDeletion(KEY_ARN);
    try {
      const error = await reader(withPrevious()).readStream(streams[2]).catch((e) => e);
      expect(error).toBeInstanceOf(KeyAccessDenied);
      expect(error).not.toBeInstanceOf(TamperDetected);
    } finally {
      kms.scheduleDeletion(KEY_ARN, false);
    }
  });

  it('keys rewrap starts (root keys load under the old key) and leaves every data and root key under the new key', async () => {
    const provider = withPrevious();
    await SecretKeyring.load(db.pools.app, provider);
    const report = await new KeyVault({ pool: db.pools.owner, provider }).rewrapAll();
    expect(report.keyRef).toBe(KEY_ARN_2);
    expect(report.total).toBeGreaterThanOrEqual(streams.length + 2); // the data keys, the blind-index and access roots
    expect([report.done, report.skipped]).toEqual([report.total, 0]);
    for (const call of kms.mock.commandCalls(ReEncryptCommand)) {
      const input = call.args[0].input;
      expect([input.SourceKeyId, input.DestinationKeyId]).toEqual([KEY_ARN, KEY_ALIAS]);
      expect(input.SourceEncryptionContext).toEqual(input.DestinationEncryptionContext);
    }
    expect(await refs()).toEqual([KEY_ARN_2]);

    // The old key can go: a process trusting only the new key reads everything, and blind indexes still match.
    kms.scheduleDeletion(KEY_ARN);
    try {
      for (const stream of streams) expect(await reader(newOnly()).readStream(stream)).toHaveLength(1);
      expect(await lastNameIndex(newOnly())).toBe(indexBefore);
      await SecretKeyring.load(db.pools.app, newOnly());
      expect((await new KeyVault({ pool: db.pools.owner, provider: newOnly() }).rewrapAll()).total).toBe(0);
    } finally {
      kms.scheduleDeletion(KEY_ARN, false);
    }
  });
});
