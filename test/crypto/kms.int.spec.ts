import { randomUUID } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import {
  AwsKmsKeyProvider,
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
import { awsError, fakeKms, KEY_ALIAS } from '../../libs/crypto/src/testing/fake-kms';

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

  it('re-wrap sends ReEncrypt with the same context as source and destination', async () => {
    kms.mock.resetHistory();
    const patient = randomUUID();
    await fx.store.appendToStream(`patient-${patient}`, [phiEvent(patient, { a: 1 })]);
    // Pretend the alias moved to a new key: every row is now under an old ref.
    await db.pools.owner.query("update keyvault.data_keys set provider_key_ref = 'arn:aws:kms:eu-central-1:111122223333:key/old'");
    const report = await new KeyVault({ pool: db.pools.owner, provider }).rewrapAll();
    expect(report.done).toBeGreaterThanOrEqual(2);
    for (const call of kms.mock.commandCalls(ReEncryptCommand)) {
      const input = call.args[0].input;
      expect(input.SourceEncryptionContext).toEqual(input.DestinationEncryptionContext);
      expect(input.SourceEncryptionContext).toMatchObject({ purpose: 'event-data' });
    }
    expect(await cold().readStream(`patient-${patient}`)).toHaveLength(1);
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
