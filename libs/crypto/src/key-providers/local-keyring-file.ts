import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CryptoConfigError } from '../errors';

/** One master key version; `key` is absent once the version is retired (material deleted). */
export interface MasterKeyEntry {
  version: number;
  key?: string;
  createdAt: string;
  retiredAt?: string;
}

export interface KeyringDocument {
  format: 'ortholedger-local-keyring';
  formatVersion: 1;
  current: number;
  keys: MasterKeyEntry[];
}

function freshKeyring(now: Date): KeyringDocument {
  return {
    format: 'ortholedger-local-keyring',
    formatVersion: 1,
    current: 1,
    keys: [{ version: 1, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
  };
}

function validate(doc: KeyringDocument, file: string): KeyringDocument {
  const ok =
    doc?.format === 'ortholedger-local-keyring' &&
    doc.formatVersion === 1 &&
    Array.isArray(doc.keys) &&
    doc.keys.some((k) => k.version === doc.current && typeof k.key === 'string') &&
    doc.keys.every((k) => Number.isInteger(k.version) && k.version > 0 && (k.key === undefined || Buffer.from(k.key, 'base64').length === 32));
  if (!ok) throw new CryptoConfigError(`Local keyring ${file} is malformed`);
  return doc;
}

/**
 * Reads the keyring, creating it (dir 0700, file 0600) on first use. A keyring readable by group or
 * others is refused, as ssh refuses a private key with loose permissions.
 */
export function loadOrCreateKeyring(file: string, now = new Date()): KeyringDocument {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting at once must not each write a different first key.
    fs.writeFileSync(file, JSON.stringify(freshKeyring(now), null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new CryptoConfigError(`Local keyring ${file} has mode ${mode.toString(8)}; it must be 0600 (chmod 600)`);
  }
  return validate(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyringDocument, file);
}

/** Atomic replace: a crash mid-write leaves the old keyring, never a truncated one. */
export function saveKeyring(file: string, doc: KeyringDocument): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(doc, null, 2), { mode: 0o600, flag: 'wx' });
  fs.renameSync(temp, file);
}
