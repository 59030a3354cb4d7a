import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { CryptoConfigError, KeyProviderUnavailable } from '../errors';
import type { DataKey, KeyContext, KeyProvider, RewrappedKey } from './key-provider.port';
import { mapKmsError } from './kms-errors';

export interface AwsKmsKeyProviderOptions {
  /** Key ARN, key id or alias (`alias/ortholedger`). */
  keyId: string;
  region?: string;
  /** Inject a client (tests, custom credentials); otherwise one is built with the timeouts below. */
  client?: KMSClient;
  /** Per attempt, and the overall deadline of a call is timeoutMs * maxAttempts. */
  timeoutMs?: number;
  /** SDK attempts including the first (standard retry mode, backoff with jitter). */
  maxAttempts?: number;
}

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

  constructor(private readonly options: AwsKmsKeyProviderOptions) {
    if (!options.keyId) throw new CryptoConfigError('AWS_KMS_KEY_ID is required for the aws-kms key provider');
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
    return { plaintext: takeBuffer(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob), keyRef: out.KeyId };
  }

  async decryptDataKey(wrapped: Buffer, context: KeyContext): Promise<Buffer> {
    const out = await this.call('Decrypt', context, (signal) =>
      this.client.send(
        // KeyId pins the key: a blob wrapped by another key in the account is refused, not decrypted.
        new DecryptCommand({ CiphertextBlob: wrapped, KeyId: this.options.keyId, EncryptionContext: toContext(context) }),
        { abortSignal: signal },
      ),
    );
    if (!out.Plaintext || out.Plaintext.length !== 32) throw new KeyProviderUnavailable('Decrypt', 'incomplete response');
    return takeBuffer(out.Plaintext);
  }

  async rewrapDataKey(wrapped: Buffer, context: KeyContext): Promise<RewrappedKey> {
    const encryptionContext = toContext(context);
    const out = await this.call('ReEncrypt', context, (signal) =>
      this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped,
          SourceEncryptionContext: encryptionContext,
          DestinationKeyId: this.options.keyId,
          DestinationEncryptionContext: encryptionContext,
        }),
        { abortSignal: signal },
      ),
    );
    if (!out.CiphertextBlob || !out.KeyId) throw new KeyProviderUnavailable('ReEncrypt', 'incomplete response');
    return { wrapped: Buffer.from(out.CiphertextBlob), keyRef: out.KeyId };
  }

  /** The ARN behind the configured id or alias; after an alias moves, keys under the old ARN need a re-wrap. */
  async currentKeyRef(): Promise<string> {
    this.currentArn ??= this.call('DescribeKey', undefined, (signal) =>
      this.client.send(new DescribeKeyCommand({ KeyId: this.options.keyId }), { abortSignal: signal }),
    ).then((out) => {
      if (!out.KeyMetadata?.Arn) throw new KeyProviderUnavailable('DescribeKey', 'incomplete response');
      return out.KeyMetadata.Arn;
    });
    return this.currentArn.catch((error) => {
      this.currentArn = undefined;
      throw error;
    });
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
