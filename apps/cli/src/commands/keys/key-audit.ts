import { KeyVault } from '@ortholedger/crypto';
import { type CliAuditRow, auditTools } from '../../cli-audit';
import type { CliRuntime } from '../../cli-runtime.service';

/**
 * What a key command needs: the key provider, the keyvault over `pool` (the owner re-wraps; the
 * app role may erase) and the chained audit log.
 */
export async function keyTools(cli: CliRuntime, pool: 'owner' | 'app') {
  const { rt, provider, audit, log } = await auditTools(cli);
  return { provider, vault: new KeyVault({ pool: rt.pools[pool], provider }), audit, log };
}

/** A key operation's audit row (see audited()). */
export type KeyAuditRow = CliAuditRow & { action: `keys.${string}` };
