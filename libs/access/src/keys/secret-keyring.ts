import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { FieldCipher, type KeyProvider, RootKey } from '@ortholedger/crypto';
import { AuditChainKey } from '../audit/audit-hash';

/** Name of the access layer's root key in keyvault.index_root_keys (wrapped by the master key / KMS). */
export const ACCESS_ROOT = 'access';
const LOOKUP_SALT = 'ortholedger/access/lookup/v1';
const AUDIT_CHAIN_SALT = 'ortholedger/access/audit-chain/v1';

/**
 * The access layer's secrets, all derived from one root key that exists only wrapped by the key
 * provider (local master key in development, AWS KMS in production) and is re-wrapped with the
 * other roots on master-key rotation:
 * - TOTP seeds: AES-256-GCM through the crypto lib's FieldCipher, AAD binding table, column and
 *   user id, so a seed copied to another user's row does not decrypt;
 * - lookups: HMAC-SHA256 of normalised login names and recovery codes (never stored in clear);
 * - the audit chain's MAC key (AuditChainKey).
 */
export class SecretKeyring {
  private constructor(
    private readonly cipher: FieldCipher,
    private readonly lookupKey: Buffer,
    readonly auditChain: AuditChainKey,
  ) {}

  static async load(pool: pg.Pool, provider: KeyProvider): Promise<SecretKeyring> {
    const root = await RootKey.load({ pool, provider }, ACCESS_ROOT);
    try {
      return new SecretKeyring(new FieldCipher(root, 'access'), root.derive(LOOKUP_SALT, { use: 'lookup' }), new AuditChainKey(root.derive(AUDIT_CHAIN_SALT, { use: 'audit-chain' })));
    } finally {
      root.close(); // the derived keys are all we keep
    }
  }

  /** Deterministic lookup value for a normalised value; `purpose` separates the uses. */
  lookup(purpose: string, value: string): string {
    return createHmac('sha256', this.lookupKey).update(`${purpose}\0${value}`).digest('hex');
  }

  sealTotpSeed(userId: string, seed: Buffer): Buffer {
    return this.cipher.encrypt('users', 'totp_secret', userId, seed);
  }

  /** Throws the crypto lib's TamperDetected if the seed was altered or moved. */
  openTotpSeed(userId: string, sealed: Buffer): Buffer {
    return this.cipher.decrypt('users', 'totp_secret', userId, sealed);
  }
}
