import * as fs from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalBytes } from '../canonical-json';
import { CryptoConfigError, KeyAccessDenied, KeyUnwrapFailed } from '../errors';
import type { DataKey, KeyContext, KeyProvider, RewrappedKey } from './key-provider.port';
import { type KeyringDocument, loadOrCreateKeyring, saveKeyring } from './local-keyring-file';

// Wrapped key: [format 0x01][master version u32 BE][nonce 12][encrypted DEK 32][tag 16] = 65 bytes.
const FORMAT = 0x01;
const HEADER = 5;
const NONCE = 12;
const TAG = 16;
const WRAPPED_LENGTH = HEADER + NONCE + 32 + TAG;

export interface LocalKeyProviderOptions {
  /** Keyring JSON file; created 0600 in a 0700 directory on first use. */
  file: string;
  /** Local keys are refused when this is true or NODE_ENV=production. */
  production?: boolean;
}

const ref = (version: number) => `local:v${version}`;

/**
 * Development/embedded key provider: versioned 256-bit master keys in a local file wrap data keys
 * with AES-256-GCM, the canonical context (and header) as AAD. Never used in production.
 */
export class LocalKeyProvider implements KeyProvider {
  readonly kind = 'local' as const;
  private keyring!: KeyringDocument;
  /** Identity of the file the keyring was read from; another process's rotate or retire replaces the file. */
  private stamp = '';

  constructor(private readonly options: LocalKeyProviderOptions) {
    // Either signal refuses: a caller cannot opt back in while NODE_ENV says production.
    if (options.production || process.env.NODE_ENV === 'production') {
      throw new CryptoConfigError('The local key provider is refused when NODE_ENV=production; use aws-kms');
    }
    this.reload();
  }

  get currentVersion(): number {
    this.refresh();
    return this.keyring.current;
  }

  async currentKeyRef(): Promise<string> {
    this.refresh();
    return ref(this.keyring.current);
  }

  async generateDataKey(context: KeyContext): Promise<DataKey> {
    const plaintext = randomBytes(32);
    return { plaintext, ...this.wrap(plaintext, context) };
  }

  /** `keyRef` is not needed here: the master key version is in the wrapped key's authenticated header. */
  async decryptDataKey(wrapped: Buffer, context: KeyContext, _keyRef?: string): Promise<Buffer> {
    if (wrapped.length !== WRAPPED_LENGTH || wrapped[0] !== FORMAT) {
      throw new KeyUnwrapFailed(context.stream, context.purpose, 'malformed wrapped key');
    }
    const version = wrapped.readUInt32BE(1);
    const master = this.masterKey(version);
    const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(HEADER, HEADER + NONCE));
    decipher.setAAD(Buffer.concat([wrapped.subarray(0, HEADER), canonicalBytes(context)]));
    decipher.setAuthTag(wrapped.subarray(WRAPPED_LENGTH - TAG));
    // The key lands in its own allocation (Buffer.concat would take a slice of the shared pool), and the intermediate is zeroed.
    const key = Buffer.alloc(WRAPPED_LENGTH - HEADER - NONCE - TAG);
    const head = decipher.update(wrapped.subarray(HEADER + NONCE, WRAPPED_LENGTH - TAG));
    try {
      head.copy(key);
      decipher.final();
      return key;
    } catch {
      key.fill(0);
      throw new KeyUnwrapFailed(context.stream, context.purpose, 'authentication failed');
    } finally {
      head.fill(0);
      master.fill(0);
    }
  }

  async rewrapDataKey(wrapped: Buffer, context: KeyContext, _keyRef?: string): Promise<RewrappedKey> {
    const plaintext = await this.decryptDataKey(wrapped, context);
    try {
      return this.wrap(plaintext, context);
    } finally {
      plaintext.fill(0);
    }
  }

  /** Adds a new master key version and makes it current; existing wrapped keys stay readable. */
  rotateMasterKey(now = new Date()): number {
    this.reload();
    const version = Math.max(...this.keyring.keys.map((k) => k.version)) + 1;
    const next: KeyringDocument = {
      ...this.keyring,
      current: version,
      keys: [...this.keyring.keys, { version, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
    };
    saveKeyring(this.options.file, next);
    this.keyring = next;
    return version;
  }

  /**
   * Deletes the material of an old version. Keys still wrapped under it become unreadable, so the
   * caller re-wraps first (KeyVault.retireLocalMasterKey checks that none is left).
   */
  retire(version: number, now = new Date()): void {
    this.reload();
    if (version === this.keyring.current) throw new CryptoConfigError('The current master key version cannot be retired');
    if (!this.keyring.keys.some((k) => k.version === version)) throw new CryptoConfigError(`No master key version ${version}`);
    const next: KeyringDocument = {
      ...this.keyring,
      keys: this.keyring.keys.map((k) =>
        k.version === version ? { version: k.version, createdAt: k.createdAt, retiredAt: now.toISOString() } : k,
      ),
    };
    saveKeyring(this.options.file, next);
    this.keyring = next;
  }

  /** Versions and their state, without material. */
  versions(): { version: number; current: boolean; retired: boolean }[] {
    this.refresh();
    return this.keyring.keys.map((k) => ({ version: k.version, current: k.version === this.keyring.current, retired: !k.key }));
  }

  /** Wraps under the version the file marks current now: a version retired by another process since would be unreadable. */
  private wrap(plaintext: Buffer, context: KeyContext): RewrappedKey {
    this.refresh();
    const version = this.keyring.current;
    const header = Buffer.alloc(HEADER);
    header[0] = FORMAT;
    header.writeUInt32BE(version, 1);
    const nonce = randomBytes(NONCE);
    const master = this.masterKey(version);
    try {
      const cipher = createCipheriv('aes-256-gcm', master, nonce);
      cipher.setAAD(Buffer.concat([header, canonicalBytes(context)]));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { wrapped: Buffer.concat([header, nonce, body, cipher.getAuthTag()]), keyRef: ref(version) };
    } finally {
      master.fill(0);
    }
  }

  /** A fresh copy the caller zeroes; another process may have rotated, so unknown versions reload the file. */
  private masterKey(version: number): Buffer {
    let entry = this.keyring.keys.find((k) => k.version === version);
    if (!entry) {
      this.reload();
      entry = this.keyring.keys.find((k) => k.version === version);
    }
    if (!entry) throw new KeyAccessDenied('unwrap', `unknown master key version ${version}`);
    if (!entry.key) throw new KeyAccessDenied('unwrap', `master key version ${version} is retired`);
    return Buffer.from(entry.key, 'base64');
  }

  /** Re-reads the keyring when the file is not the one we read (saves replace it by rename); one stat otherwise. */
  private refresh(): void {
    if (fileStamp(this.options.file) !== this.stamp) this.reload();
  }

  private reload(): void {
    // Stamp before reading: a replace in between is seen by the next refresh.
    const stamp = fileStamp(this.options.file);
    this.keyring = loadOrCreateKeyring(this.options.file);
    this.stamp = stamp || fileStamp(this.options.file);
  }
}

function fileStamp(file: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return '';
  }
}
