import * as fs from 'node:fs';
import * as path from 'node:path';
import { CryptoConfigError, KeyAccessDenied, KeyUnwrapFailed } from '../errors';
import { tempKeyringFile } from '../testing/crypto-fixture';
import { createKeyProvider } from './key-provider.factory';
import { LocalKeyProvider } from './local-key-provider';

const ctx = { stream: 'patient-5d0b3c8e-8f0e-4a59-9d57-1f7f0b1b6f0e', purpose: 'event-data' };

describe('LocalKeyProvider', () => {
  let file: string;
  beforeEach(() => {
    file = tempKeyringFile();
  });
  afterEach(() => fs.rmSync(path.dirname(path.dirname(file)), { recursive: true, force: true }));

  it('creates the keyring 0600 in a 0700 directory, with one 256-bit master key', () => {
    const provider = new LocalKeyProvider({ file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(provider.versions()).toEqual([{ version: 1, current: true, retired: false }]);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Buffer.from(doc.keys[0].key, 'base64')).toHaveLength(32);
  });

  it('wraps a 256-bit data key that unwraps only under the same context', async () => {
    const provider = new LocalKeyProvider({ file });
    const key = await provider.generateDataKey(ctx);
    expect(key.plaintext).toHaveLength(32);
    expect(key.keyRef).toBe('local:v1');
    expect(key.wrapped.includes(key.plaintext)).toBe(false);
    expect((await provider.decryptDataKey(key.wrapped, ctx)).equals(key.plaintext)).toBe(true);
    await expect(provider.decryptDataKey(key.wrapped, { ...ctx, stream: 'patient-00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(KeyUnwrapFailed);
    await expect(provider.decryptDataKey(key.wrapped, { ...ctx, purpose: 'index-root' })).rejects.toBeInstanceOf(KeyUnwrapFailed);
    const flipped = Buffer.from(key.wrapped);
    flipped[30] ^= 1;
    await expect(provider.decryptDataKey(flipped, ctx)).rejects.toBeInstanceOf(KeyUnwrapFailed);
    // Its own allocation, not a slice of the shared Buffer pool: zeroing it leaves no copy.
    expect((await provider.decryptDataKey(key.wrapped, ctx)).buffer.byteLength).toBe(32);
  });

  it('rotates: new keys use the new version, old wrapped keys still open, re-wrap moves them, retire deletes the old material', async () => {
    const provider = new LocalKeyProvider({ file });
    const old = await provider.generateDataKey(ctx);
    expect(provider.rotateMasterKey()).toBe(2);
    expect(await provider.currentKeyRef()).toBe('local:v2');
    expect((await provider.generateDataKey(ctx)).keyRef).toBe('local:v2');
    expect((await provider.decryptDataKey(old.wrapped, ctx)).equals(old.plaintext)).toBe(true);
    const moved = await provider.rewrapDataKey(old.wrapped, ctx);
    expect(moved.keyRef).toBe('local:v2');
    provider.retire(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).keys[0].key).toBeUndefined();
    await expect(provider.decryptDataKey(old.wrapped, ctx)).rejects.toBeInstanceOf(KeyAccessDenied);
    expect((await provider.decryptDataKey(moved.wrapped, ctx)).equals(old.plaintext)).toBe(true);
    expect(() => provider.retire(2)).toThrow(CryptoConfigError);
  });

  it('a second instance sees a rotation made by another process', async () => {
    const a = new LocalKeyProvider({ file });
    const b = new LocalKeyProvider({ file });
    a.rotateMasterKey();
    const key = await a.generateDataKey(ctx);
    expect((await b.decryptDataKey(key.wrapped, ctx)).equals(key.plaintext)).toBe(true);
  });

  it('a running process wraps under the version another process made current, not a retired one it cached (rotate, rewrap, retire elsewhere)', async () => {
    const running = new LocalKeyProvider({ file });
    const before = await running.generateDataKey(ctx); // reads and caches the keyring: v1 current
    const operator = new LocalKeyProvider({ file }); // the CLI
    operator.rotateMasterKey();
    const rewrapped = await operator.rewrapDataKey(before.wrapped, ctx, before.keyRef);
    operator.retire(1);

    const after = await running.generateDataKey(ctx);
    expect(after.keyRef).toBe('local:v2');
    expect(await running.currentKeyRef()).toBe('local:v2');
    expect((await running.rewrapDataKey(rewrapped.wrapped, ctx, rewrapped.keyRef)).keyRef).toBe('local:v2');
    // Any other process (and this one) can still unwrap what it wrapped after the retirement.
    expect((await new LocalKeyProvider({ file }).decryptDataKey(after.wrapped, ctx, after.keyRef)).equals(after.plaintext)).toBe(true);
    expect((await running.decryptDataKey(rewrapped.wrapped, ctx, rewrapped.keyRef)).equals(before.plaintext)).toBe(true);
  });

  it('is refused in production, by flag or by NODE_ENV', () => {
    expect(() => new LocalKeyProvider({ file, production: true })).toThrow(CryptoConfigError);
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => new LocalKeyProvider({ file, production: false })).toThrow(/NODE_ENV=production/);
      expect(() => createKeyProvider({ keyProvider: 'local', localMasterKeyFile: file })).toThrow(CryptoConfigError);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('refuses a keyring readable by others', () => {
    new LocalKeyProvider({ file });
    fs.chmodSync(file, 0o644);
    expect(() => new LocalKeyProvider({ file })).toThrow(/chmod 600/);
  });

  it('the factory picks the provider from config', () => {
    expect(createKeyProvider({ keyProvider: 'local', localMasterKeyFile: file }).kind).toBe('local');
    expect(createKeyProvider({ keyProvider: 'aws-kms', awsKmsKeyId: 'alias/ortholedger', awsRegion: 'eu-central-1' }).kind).toBe('aws-kms');
    expect(() => createKeyProvider({ keyProvider: 'aws-kms' })).toThrow(/AWS_KMS_KEY_ID/);
  });
});
