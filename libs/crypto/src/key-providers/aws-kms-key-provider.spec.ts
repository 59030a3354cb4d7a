import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { CryptoConfigError, KeyAccessDenied, KeyProviderThrottled, KeyProviderUnavailable, KeyRefNotTrusted, KeyUnwrapFailed } from '../errors';
import { awsError, fakeKms, KEY_ALIAS, KEY_ARN, KEY_ARN_2 } from '../testing/fake-kms';
import { AwsKmsKeyProvider } from './aws-kms-key-provider';

const ctx = { stream: 'case-9f1c5a4e-2b7d-4e8f-a1c3-5d6e7f8a9b0c', purpose: 'event-data' };

describe('AwsKmsKeyProvider (aws-sdk-client-mock)', () => {
  const kms = fakeKms();
  const provider = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client });
  beforeEach(() => kms.healthy());

  it('sends the encryption context {stream, purpose} on every call and asks for AES_256', async () => {
    const key = await provider.generateDataKey(ctx);
    expect(key.plaintext).toHaveLength(32);
    expect(key.keyRef).toBe(KEY_ARN);
    expect((await provider.decryptDataKey(key.wrapped, ctx, key.keyRef)).equals(key.plaintext)).toBe(true);
    await provider.rewrapDataKey(key.wrapped, ctx, key.keyRef);
    const generate = kms.mock.commandCalls(GenerateDataKeyCommand)[0].args[0].input;
    expect(generate).toEqual({ KeyId: KEY_ALIAS, KeySpec: 'AES_256', EncryptionContext: ctx });
    const decrypt = kms.mock.commandCalls(DecryptCommand)[0].args[0].input;
    expect(decrypt.EncryptionContext).toEqual(ctx);
    expect(decrypt.KeyId).toBe(KEY_ARN); // the key the row names, not wherever the alias points now
    const reencrypt = kms.mock.commandCalls(ReEncryptCommand)[0].args[0].input;
    expect(reencrypt.SourceEncryptionContext).toEqual(ctx);
    expect(reencrypt.DestinationEncryptionContext).toEqual(ctx);
    expect(reencrypt.SourceKeyId).toBe(KEY_ARN);
    expect(reencrypt.DestinationKeyId).toBe(KEY_ALIAS);
  });

  it('unwrapped keys are their own allocations, not slices of the shared Buffer pool (zeroing them leaves no copy)', async () => {
    const key = await provider.generateDataKey(ctx);
    const unwrapped = await provider.decryptDataKey(key.wrapped, ctx, key.keyRef);
    expect([key.plaintext.buffer.byteLength, unwrapped.buffer.byteLength]).toEqual([32, 32]);
  });

  it('a wrapped key moved to another stream does not unwrap (context mismatch)', async () => {
    const key = await provider.generateDataKey(ctx);
    const error = await provider.decryptDataKey(key.wrapped, { ...ctx, stream: 'case-00000000-0000-4000-8000-000000000000' }, key.keyRef).catch((e) => e);
    expect(error).toBeInstanceOf(KeyUnwrapFailed);
    expect(error.code).toBe('CRYPTO.KEY_UNWRAP_FAILED');
  });

  it.each([
    ['ThrottlingException', 400, KeyProviderThrottled],
    ['LimitExceededException', 400, KeyProviderThrottled],
    ['AccessDeniedException', 400, KeyAccessDenied],
    ['DisabledException', 400, KeyAccessDenied],
    ['KMSInvalidStateException', 400, KeyAccessDenied],
    ['NotFoundException', 400, KeyAccessDenied],
    ['KMSInternalException', 500, KeyProviderUnavailable],
    ['DependencyTimeoutException', 503, KeyProviderUnavailable],
    ['KeyUnavailableException', 500, KeyProviderUnavailable],
    ['TimeoutError', 0, KeyProviderUnavailable],
    ['AbortError', 0, KeyProviderUnavailable],
  ])('%s surfaces as a typed error without request details', async (name, status, type) => {
    kms.mock.on(GenerateDataKeyCommand).rejects(awsError(name, status));
    kms.mock.on(DecryptCommand).rejects(awsError(name, status));
    const generate = await provider.generateDataKey(ctx).catch((e) => e);
    expect(generate).toBeInstanceOf(type);
    expect(generate.message).toContain(name);
    expect(generate.message).not.toContain(ctx.stream);
    await expect(provider.decryptDataKey(Buffer.alloc(64), ctx, KEY_ARN)).rejects.toBeInstanceOf(type);
  });

  it('a network failure is KeyProviderUnavailable (fail closed)', async () => {
    kms.mock.on(GenerateDataKeyCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(provider.generateDataKey(ctx)).rejects.toBeInstanceOf(KeyProviderUnavailable);
  });

  it('an incomplete response is refused', async () => {
    kms.mock.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(16), CiphertextBlob: new Uint8Array(8), KeyId: KEY_ARN });
    await expect(provider.generateDataKey(ctx)).rejects.toBeInstanceOf(KeyProviderUnavailable);
  });

  it('a key ref outside AWS_KMS_KEY_ID and AWS_KMS_PREVIOUS_KEY_IDS is refused (KeyRefNotTrusted) before KMS is asked to decrypt', async () => {
    kms.addKey(KEY_ARN_2);
    const key = await provider.generateDataKey(ctx);
    kms.mock.resetHistory();
    for (const ref of [KEY_ARN_2, 'alias/other', 'local:v1']) {
      const error = await provider.decryptDataKey(key.wrapped, ctx, ref).catch((e) => e);
      expect(error).toBeInstanceOf(KeyRefNotTrusted);
      expect(error.code).toBe('CRYPTO.KEY_REF_NOT_TRUSTED');
      await expect(provider.rewrapDataKey(key.wrapped, ctx, ref)).rejects.toBeInstanceOf(KeyRefNotTrusted);
    }
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(kms.mock.commandCalls(ReEncryptCommand)).toHaveLength(0);
  });

  it('a foreign key ARN costs one DescribeKey per interval, not one per read; once the alias points to it, it is trusted', async () => {
    kms.addKey(KEY_ARN_2);
    let now = 1_000_000;
    const kmsProvider = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client, untrustedTtlMs: 10_000, now: () => now });
    const key = await kmsProvider.generateDataKey(ctx);
    kms.mock.resetHistory();
    for (let i = 0; i < 20; i++) await expect(kmsProvider.decryptDataKey(key.wrapped, ctx, KEY_ARN_2)).rejects.toBeInstanceOf(KeyRefNotTrusted);
    expect(kms.mock.commandCalls(DescribeKeyCommand)).toHaveLength(1);
    // Other foreign ARNs are asked about once each, and forgotten after the interval.
    const third = KEY_ARN_2.replace(/key\/.*$/, 'key/00000000-0000-4000-8000-000000000003');
    for (let i = 0; i < 5; i++) await expect(kmsProvider.decryptDataKey(key.wrapped, ctx, third)).rejects.toBeInstanceOf(KeyRefNotTrusted);
    expect(kms.mock.commandCalls(DescribeKeyCommand)).toHaveLength(2);
    now += 10_000;
    // The alias moved meanwhile: the next read asks again and trusts the key (its blob still opens only under its own key).
    kms.moveAlias(KEY_ALIAS, KEY_ARN_2);
    await expect(kmsProvider.decryptDataKey(key.wrapped, ctx, KEY_ARN_2)).rejects.toBeInstanceOf(KeyUnwrapFailed);
    expect(kms.mock.commandCalls(DescribeKeyCommand)).toHaveLength(3);
    const moved = await kmsProvider.generateDataKey(ctx);
    expect(moved.keyRef).toBe(KEY_ARN_2);
    expect(await kmsProvider.decryptDataKey(moved.wrapped, ctx, KEY_ARN_2)).toHaveLength(32);
    kms.moveAlias(KEY_ALIAS, KEY_ARN);
  });

  it('a DescribeKey that fails is not remembered as a refusal: the next read asks again', async () => {
    kms.addKey(KEY_ARN_2);
    const kmsProvider = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, client: kms.client, maxAttempts: 1 });
    const key = await kmsProvider.generateDataKey(ctx);
    kms.mock.on(DescribeKeyCommand).rejects(awsError('KMSInternalException', 500));
    await expect(kmsProvider.decryptDataKey(key.wrapped, ctx, KEY_ARN_2)).rejects.toBeInstanceOf(KeyProviderUnavailable);
    kms.healthy();
    kms.moveAlias(KEY_ALIAS, KEY_ARN_2);
    await expect(kmsProvider.decryptDataKey(key.wrapped, ctx, KEY_ARN_2)).rejects.toBeInstanceOf(KeyUnwrapFailed); // asked again: trusted now
    kms.moveAlias(KEY_ALIAS, KEY_ARN);
  });

  it('a blob whose stored ref names another (trusted) key is an unwrap failure: the row does not match itself', async () => {
    kms.addKey(KEY_ARN_2);
    const both = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, previousKeyIds: [KEY_ARN_2], client: kms.client });
    const key = await both.generateDataKey(ctx);
    await expect(both.decryptDataKey(key.wrapped, ctx, KEY_ARN_2)).rejects.toBeInstanceOf(KeyUnwrapFailed);
  });

  it('AWS_KMS_PREVIOUS_KEY_IDS takes key ARNs only (an alias would trust whatever it points to later)', () => {
    expect(() => new AwsKmsKeyProvider({ keyId: KEY_ALIAS, previousKeyIds: ['alias/old'], client: kms.client })).toThrow(CryptoConfigError);
    expect(() => new AwsKmsKeyProvider({ keyId: KEY_ALIAS, previousKeyIds: [KEY_ARN_2], client: kms.client })).not.toThrow();
  });

  it('resolves the current key ref through DescribeKey (the ARN behind the alias)', async () => {
    expect(await provider.currentKeyRef()).toBe(KEY_ARN);
  });

  it('builds its own client with retries and timeouts when none is given', async () => {
    const own = new AwsKmsKeyProvider({ keyId: KEY_ALIAS, region: 'eu-central-1', maxAttempts: 4, timeoutMs: 1500 });
    const client = (own as unknown as { client: { config: { maxAttempts: () => Promise<number> } } }).client;
    expect(await client.config.maxAttempts()).toBe(4);
  });
});
