/**
 * Errors of the crypto layer. Every one carries a stable `code` and a message that names streams,
 * revisions, key versions or provider error names only: never plaintext, key material or PHI.
 */
export abstract class CryptoError extends Error {
  abstract readonly code: string;
}

/** Ciphertext, its bound identity or its key failed verification: the record was changed outside the app. */
export class TamperDetected extends CryptoError {
  readonly code = 'CRYPTO.TAMPER_DETECTED';
  constructor(
    /** `streamId@revision` for events, `table.column#rowId` for read-model fields. */
    readonly location: string,
    readonly reason: string,
    readonly streamId?: string,
    readonly revision?: bigint,
  ) {
    super(`Tamper detected at ${location}: ${reason}`);
    this.name = 'TamperDetected';
  }

  static inEvent(streamId: string, revision: bigint, reason: string): TamperDetected {
    return new TamperDetected(`${streamId}@${revision}`, reason, streamId, revision);
  }

  static inField(table: string, column: string, rowId: string, reason: string): TamperDetected {
    return new TamperDetected(`${table}.${column}#${rowId}`, reason);
  }
}

/** The subject's keys were destroyed (crypto-shredding): nothing more may be written for it. */
export class SubjectErased extends CryptoError {
  readonly code = 'CRYPTO.SUBJECT_ERASED';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} belongs to an erased subject; its keys were destroyed`);
    this.name = 'SubjectErased';
  }
}

/** Patient and case streams must name the (non-PHI) subject id the keys are filed under. */
export class SubjectRequired extends CryptoError {
  readonly code = 'CRYPTO.SUBJECT_REQUIRED';
  constructor(
    readonly streamId: string,
    reason: string,
  ) {
    super(`Append to ${streamId} refused: ${reason}`);
    this.name = 'SubjectRequired';
  }
}

/** The provider could not be reached or failed internally; callers fail closed. */
export class KeyProviderUnavailable extends CryptoError {
  readonly code = 'CRYPTO.KEY_PROVIDER_UNAVAILABLE';
  constructor(
    readonly operation: string,
    readonly providerError?: string,
  ) {
    super(`Key provider unavailable during ${operation}${providerError ? ` (${providerError})` : ''}`);
    this.name = 'KeyProviderUnavailable';
  }
}

export class KeyProviderThrottled extends CryptoError {
  readonly code = 'CRYPTO.KEY_PROVIDER_THROTTLED';
  constructor(
    readonly operation: string,
    readonly providerError?: string,
  ) {
    super(`Key provider throttled ${operation}${providerError ? ` (${providerError})` : ''}`);
    this.name = 'KeyProviderThrottled';
  }
}

/** The provider refused: permissions, a disabled or deleted key, a retired master key version. */
export class KeyAccessDenied extends CryptoError {
  readonly code = 'CRYPTO.KEY_ACCESS_DENIED';
  constructor(
    readonly operation: string,
    readonly providerError?: string,
  ) {
    super(`Key access denied during ${operation}${providerError ? ` (${providerError})` : ''}`);
    this.name = 'KeyAccessDenied';
  }
}

/** A wrapped key did not open under its context: corrupted, or moved to another stream/purpose. */
export class KeyUnwrapFailed extends CryptoError {
  readonly code = 'CRYPTO.KEY_UNWRAP_FAILED';
  constructor(
    readonly stream: string,
    readonly purpose: string,
    readonly providerError?: string,
  ) {
    super(`Data key for ${stream} (${purpose}) did not unwrap${providerError ? ` (${providerError})` : ''}`);
    this.name = 'KeyUnwrapFailed';
  }
}

/**
 * A wrapped key names a master key this deployment does not trust (not AWS_KMS_KEY_ID, nor in
 * AWS_KMS_PREVIOUS_KEY_IDS). Refused before any provider call; a configuration matter to resolve
 * (list the previous key, or re-wrap), not evidence that the ciphertext was altered.
 */
export class KeyRefNotTrusted extends CryptoError {
  readonly code = 'CRYPTO.KEY_REF_NOT_TRUSTED';
  constructor(
    readonly operation: string,
    readonly keyRef: string,
  ) {
    super(`Key ref ${keyRef.slice(0, 200)} is not a trusted key of this deployment (${operation} refused); add it to AWS_KMS_PREVIOUS_KEY_IDS to read and re-wrap keys under it`);
    this.name = 'KeyRefNotTrusted';
  }
}

/** Refused configuration of the crypto layer (e.g. local keys in production). */
export class CryptoConfigError extends CryptoError {
  readonly code = 'CRYPTO.CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'CryptoConfigError';
  }
}

/** Input to an erasure or normaliser that is refused; the message never echoes the input. */
export class CryptoInputError extends CryptoError {
  readonly code = 'CRYPTO.INVALID_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'CryptoInputError';
  }
}

/** The key version was destroyed by an erasure: readers return a redacted event. */
export class DataKeyDestroyed extends CryptoError {
  readonly code = 'CRYPTO.KEY_DESTROYED';
  constructor(
    readonly streamId: string,
    readonly keyVersion: number,
  ) {
    super(`Data key ${streamId} v${keyVersion} was destroyed`);
    this.name = 'DataKeyDestroyed';
  }
}

/** No such key version in the keyvault: the ciphertext names a key that never existed. */
export class DataKeyMissing extends CryptoError {
  readonly code = 'CRYPTO.KEY_MISSING';
  constructor(
    readonly streamId: string,
    readonly keyVersion: number,
  ) {
    super(`No data key ${streamId} v${keyVersion}`);
    this.name = 'DataKeyMissing';
  }
}
