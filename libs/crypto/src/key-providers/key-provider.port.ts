/**
 * Where data keys come from. The provider generates a 256-bit data key and returns it both in
 * plaintext (kept only in memory) and wrapped (stored in `keyvault`). The context is bound to the
 * wrapped key (KMS EncryptionContext / local AAD), so a wrapped key moved to another stream or
 * purpose does not unwrap.
 */
export interface KeyContext {
  /** Stream id, or a `keyvault:` name for non-stream keys such as the blind-index root. */
  readonly stream: string;
  /** What the key protects: `event-data`, `index-root`, ... */
  readonly purpose: string;
}

export interface DataKey {
  readonly plaintext: Buffer;
  readonly wrapped: Buffer;
  /** Which master key wrapped it (`local:v3`, a KMS key ARN); not secret. */
  readonly keyRef: string;
}

export interface RewrappedKey {
  readonly wrapped: Buffer;
  readonly keyRef: string;
}

export interface KeyProvider {
  readonly kind: 'local' | 'aws-kms';
  generateDataKey(context: KeyContext): Promise<DataKey>;
  /**
   * `keyRef` is the ref stored with the wrapped key: KMS unwraps under that key, which must be one the
   * deployment trusts (KeyRefNotTrusted otherwise), so keys wrapped before a rotation stay readable.
   */
  decryptDataKey(wrapped: Buffer, context: KeyContext, keyRef: string): Promise<Buffer>;
  /** Re-wraps from `keyRef` to the current master key without the caller ever seeing the plaintext key (KMS ReEncrypt). */
  rewrapDataKey(wrapped: Buffer, context: KeyContext, keyRef: string): Promise<RewrappedKey>;
  /** The key ref new and re-wrapped keys get; rows already under it need no re-wrap. */
  currentKeyRef(): Promise<string>;
}

export const EVENT_DATA_PURPOSE = 'event-data';
export const INDEX_ROOT_PURPOSE = 'index-root';
