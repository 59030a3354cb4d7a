import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { CryptoConfigError, KeyProviderUnavailable, KeyRefNotTrusted } from '../errors';
import type { DataKey, KeyContext, KeyProvider, RewrappedKey } from './key-provider.port';
import { mapKmsError } from './kms-errors';

export interface AwsKmsKeyProviderOptions {
  /** Key ARN, key id or alias (`alias/ortholedger`). */
  keyId: string;
  /**
   * Key ARNs that keys may still be wrapped under after a rotation (AWS_KMS_PREVIOUS_KEY_IDS): they
   * are unwrapped and re-wrapped, never used for new keys. Any other ref is refused.
   */
  previousKeyIds?: readonly string[];
  region?: string;
  /** Inject a client (tests, custom credentials); otherwise one is built with the timeouts below. */
  client?: KMSClient;
  /** Per attempt, and the overall deadline of a call is timeoutMs * maxAttempts. */
  timeoutMs?: number;
  /** SDK attempts including the first (standard retry mode, backoff with jitter). */
  maxAttempts?: number;
  /**
   * How long a key ARN that the alias did not resolve to stays refused without asking KMS again
   * (default 10 s): a row naming a foreign ARN costs one DescribeKey per interval, not one per read.
   */
  untrustedTtlMs?: number;
  /** Milliseconds now (tests); Date.now by default. */
  now?: () => number;
}

/** Most foreign ARNs remembered at once; the oldest is forgotten first (and costs one more DescribeKey). */
const MAX_UNTRUSTED = 1000;

/**
 * Envelope encryption with AWS KMS: data keys come from GenerateDataKey (AES_256), are unwrapped
 * with Decrypt and re-wrapped server-side with ReEncrypt. Every call carries the encryption context
 * `{stream, purpose}`, which KMS binds to the ciphertext and writes to CloudTrail.
 */
export class AwsKmsKeyProvider implements KeyProvider {
  readonly kind = 'aws-kms' as const;
  private readonly client: KMSClient;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private currentArn?: Promise<string>;
  /** AWS_KMS_PREVIOUS_KEY_IDS, and every ARN the configured key id has resolved to in this process. */
  private readonly trusted: Set<string>;
  private refreshing?: Promise<string>;
  /** ARNs the alias was resolved again for and did not point to, with when that answer lapses. */
  private readonly untrusted = new Map<string, number>();

  constructor(private readonly options: AwsKmsKeyProviderOptions) {
    if (!options.keyId) throw new CryptoConfigError('AWS_KMS_KEY_ID is required for the aws-kms key provider');
    for (const id of options.previousKeyIds ?? []) {
      // Stored refs are key ARNs (what KMS returns); an alias or bare id here would trust whatever it points to later.
      if (!KEY_ARN_PATTERN.test(id)) throw new CryptoConfigError('AWS_KMS_PREVIOUS_KEY_IDS must list key ARNs (arn:aws:kms:<region>:<account>:key/<id>)');
    }
    this.trusted = new Set(options.previousKeyIds);
    if (KEY_ARN_PATTERN.test(options.keyId)) this.trusted.add(options.keyId);
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.client =
      options.client ??
      new KMSClient({
        region: options.region,
        maxAttempts: this.maxAttempts,
        retryMode: 'standard',
        requestHandler: { connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs },
      });
  }

  async generateDataKey(context: KeyContext): Promise<DataKey> {
    const out = await this.call('GenerateDataKey', context, (signal) =>
      this.client.send(
        new GenerateDataKeyCommand({ KeyId: this.options.keyId, KeySpec: 'AES_256', EncryptionContext: toContext(context) }),
        { abortSignal: signal },
      ),
    );
    if (!out.Plaintext || out.Plaintext.length !== 32 || !out.CiphertextBlob || !out.KeyId) {
      throw new KeyProviderUnavailable('GenerateDataKey', 'incomplete response');
    }
    this.trusted.add(out.KeyId); // where the configured key id points: its keys must read back
    return { plaintext: takeBuffer(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob), keyRef: out.KeyId };
  }

  async decryptDataKey(wrapped: Buffer, context: KeyContext, keyRef: string): Promise<Buffer> {
    const keyId = await this.trustedKey(keyRef, 'Decrypt');
    const out = await this.call('Decrypt', context, (signal) =>
      this.client.send(
        // KeyId pins the key the row names (a trusted one): a blob wrapped by any other key is refused, not decrypted.
        new DecryptCommand({ CiphertextBlob: wrapped, KeyId: keyId, EncryptionContext: toContext(context) }),
        { abortSignal: signal },
      ),
    );
    if (!out.Plaintext || out.Plaintext.length !== 32) throw new KeyProviderUnavailable('Decrypt', 'incomplete response');
    return takeBuffer(out.Plaintext);
  }

  async rewrapDataKey(wrapped: Buffer, context: KeyContext, keyRef: string): Promise<RewrappedKey> {
    const sourceKeyId = await this.trustedKey(keyRef, 'ReEncrypt');
    const encryptionContext = toContext(context);
    const out = await this.call('ReEncrypt', context, (signal) =>
      this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped,
          SourceKeyId: sourceKeyId,
          SourceEncryptionContext: encryptionContext,
          DestinationKeyId: this.options.keyId,
          DestinationEncryptionContext: encryptionContext,
        }),
        { abortSignal: signal },
      ),
    );
    if (!out.CiphertextBlob || !out.KeyId) throw new KeyProviderUnavailable('ReEncrypt', 'incomplete response');
    this.trusted.add(out.KeyId);
    return { wrapped: Buffer.from(out.CiphertextBlob), keyRef: out.KeyId };
  }

  /** The ARN behind the configured id or alias; after an alias moves, keys under the old ARN need a re-wrap. */
  async currentKeyRef(): Promise<string> {
    const pending = (this.currentArn ??= this.call('DescribeKey', undefined, (signal) =>
      this.client.send(new DescribeKeyCommand({ KeyId: this.options.keyId }), { abortSignal: signal }),
    ).then((out) => {
      if (!out.KeyMetadata?.Arn) throw new KeyProviderUnavailable('DescribeKey', 'incomplete response');
      this.trusted.add(out.KeyMetadata.Arn);
      return out.KeyMetadata.Arn;
    }));
    return pending.catch((error) => {
      if (this.currentArn === pending) this.currentArn = undefined;
      throw error;
    });
  }

  /**
   * The stored ref if this deployment trusts it. A ref we have not seen may be where the alias points
   * now (moved while we run), so the alias is resolved once more before the ref is refused.
   */
  private async trustedKey(keyRef: string, operation: string): Promise<string> {
    if (this.trusted.has(keyRef)) return keyRef;
    const now = this.options.now ?? Date.now;
    if (KEY_ARN_PATTERN.test(keyRef) && !((this.untrusted.get(keyRef) ?? 0) > now())) {
      // One DescribeKey for all reads that meet the new ref at once.
      this.refreshing ??= (() => {
        this.currentArn = undefined;
        return this.currentKeyRef().finally(() => (this.refreshing = undefined));
      })();
      if ((await this.refreshing) === keyRef || this.trusted.has(keyRef)) return keyRef;
      // Refused for a while without asking again. A failed DescribeKey threw above and is not remembered.
      this.untrusted.delete(keyRef);
      this.untrusted.set(keyRef, now() + (this.options.untrustedTtlMs ?? 10_000));
      if (this.untrusted.size > MAX_UNTRUSTED) this.untrusted.delete(this.untrusted.keys().next().value!);
    }
    throw new KeyRefNotTrusted(operation, keyRef);
  }

  private async call<T>(operation: string, context: KeyContext | undefined, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // An overall deadline on top of the per-attempt timeouts, so a hung endpoint cannot hold an append.
    const signal = AbortSignal.timeout(this.timeoutMs * this.maxAttempts);
    try {
      return await send(signal);
    } catch (error) {
      throw mapKmsError(error, operation, context);
    }
  }
}

const KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function toContext(context: KeyContext): Record<string, string> {
  return { stream: context.stream, purpose: context.purpose };
}

/**
 * Copies the SDK's plaintext into a Buffer we own and zeroes the original. Its own allocation, not
 * a slice of Node's shared pool (`Buffer.from` pools small copies): zeroing it later leaves no copy
 * of the key beside other data.
 */
function takeBuffer(bytes: Uint8Array): Buffer {
  const copy = Buffer.alloc(bytes.length);
  copy.set(bytes);
  bytes.fill(0);
  return copy;
}
