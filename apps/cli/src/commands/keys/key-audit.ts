import { type AuditRecord, AuditService, AuditStore, SecretKeyring, systemClock } from '@ortholedger/access';
import { createKeyProvider, KeyVault } from '@ortholedger/crypto';
import { cliActor } from '../../cli-actor';
import type { CliRuntime } from '../../cli-runtime.service';

/**
 * What a key command needs: the key provider, the keyvault over `pool` (the owner re-wraps; the
 * app role may erase) and the chained audit log. Only the chain key is loaded, not the APIs' JWT
 * keys or network settings: a key job runs with database and KMS settings alone.
 */
export async function keyTools(cli: CliRuntime, pool: 'owner' | 'app') {
  const rt = await cli.get();
  const provider = createKeyProvider(rt.config);
  const chain = (await SecretKeyring.load(rt.pools.app, provider)).auditChain;
  const audit = new AuditService(new AuditStore(rt.pools.app, chain), systemClock, cli.logger);
  return { provider, vault: new KeyVault({ pool: rt.pools[pool], provider }), audit, log: cli.logger };
}

export type KeyTools = Awaited<ReturnType<typeof keyTools>>;

/** A key operation's audit row: the CLI actor, an action `keys.*`, ids and integer counts only. */
export type KeyAuditRow = Omit<AuditRecord, 'outcome' | keyof ReturnType<typeof cliActor>> & { action: `keys.${string}` };

/**
 * Runs a key operation recorded in the chained audit log: 'granted' before it acts (no row, no
 * action), an 'error' row with the error's code if it fails. `progress` adds integer counts to
 * the error row (how far a resumable run got).
 */
export async function audited<T>(tools: KeyTools, row: KeyAuditRow, work: () => Promise<T>, progress?: () => Record<string, number>): Promise<T> {
  const record = { ...cliActor(), ...row };
  await tools.audit.record({ ...record, outcome: 'granted' });
  try {
    return await work();
  } catch (error) {
    // The operation's own error is the one to report, even if its audit row cannot be written.
    await tools.audit
      .record({ ...record, outcome: 'error', reason: (error as { code?: string }).code ?? 'failed', params: { ...record.params, ...progress?.() } })
      .catch((auditError: { code?: string }) => tools.log.error({ code: auditError?.code, action: row.action }, 'the error row could not be written to the audit log'));
    throw error;
  }
}
