import { hkdfSync } from 'node:crypto';
import type pg from 'pg';
import { canonicalBytes } from '../canonical-json';
import { INDEX_ROOT_PURPOSE, type KeyProvider } from '../key-providers/key-provider.port';
import { rootKeyStream } from '../keyvault/key-vault';

/** Root keys by use; derived keys of one root never serve the other. */
export const BLIND_INDEX_ROOT = 'blind-index';
export const READ_MODEL_ROOT = 'read-model';

/**
 * A 256-bit root key, stored only wrapped by the provider in `keyvault.index_root_keys` and
 * unwrapped into memory at start-up. Per-purpose keys are derived with HKDF-SHA256.
 */
export class RootKey {
  private constructor(
    readonly name: string,
    private readonly material: Buffer,
  ) {}

  /** Loads the root, creating it on first use (concurrent creators agree on whichever row won). */
  static async load(deps: { pool: pg.Pool; provider: KeyProvider }, name: string): Promise<RootKey> {
    const context = { stream: rootKeyStream(name), purpose: INDEX_ROOT_PURPOSE };
    const select = () =>
      deps.pool.query<{ wrapped_key: Buffer; provider_key_ref: string }>(
        'select wrapped_key, provider_key_ref from keyvault.index_root_keys where name = $1 order by key_version desc limit 1',
        [name],
      );
    let { rows } = await select();
    if (rows.length === 0) {
      const created = await deps.provider.generateDataKey(context);
      created.plaintext.fill(0); // the stored row is the truth, even if ours lost the race
      await deps.pool.query(
        `insert into keyvault.index_root_keys (name, key_version, wrapped_key, provider_key_ref)
         values ($1, 1, $2, $3) on conflict do nothing`,
        [name, created.wrapped, created.keyRef],
      );
      ({ rows } = await select());
    }
    return new RootKey(name, await deps.provider.decryptDataKey(rows[0].wrapped_key, context, rows[0].provider_key_ref));
  }

  /** For tests and tools that hold the material already. */
  static fromMaterial(name: string, material: Buffer): RootKey {
    if (material.length !== 32) throw new RangeError('a root key is 32 bytes');
    // Its own allocation, not a slice of the shared pool, so close() leaves no copy beside other data.
    const own = Buffer.alloc(32);
    material.copy(own);
    return new RootKey(name, own);
  }

  /** HKDF-SHA256 with a per-use salt and the canonical JSON of `info` as context. */
  derive(salt: string, info: unknown): Buffer {
    if (this.material.every((b) => b === 0)) throw new Error(`root key ${this.name} was closed`);
    return Buffer.from(hkdfSync('sha256', this.material, Buffer.from(salt), canonicalBytes(info), 32));
  }

  close(): void {
    this.material.fill(0);
  }
}
