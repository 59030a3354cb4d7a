import { type AuditRecord, AuditService, AuditStore, SecretKeyring, systemClock } from '@ortholedger/access';
import { createKeyProvider } from '@ortholedger/crypto';
import type { Logger } from 'pino';
import { cliActor } from './cli-actor';
import type { CliRuntime } from './cli-runtime.service';

/**
 * The chained audit log as a CLI job writes it. Only the chain key is loaded (through the key
 * provider), not the APIs' JWT keys or network settings: a job runs with database and KMS settings alone.
 */
export async function auditTools(cli: CliRuntime) {
  const rt = await cli.get();
  const provider = createKeyProvider(rt.config);
  const chain = (await SecretKeyring.load(rt.pools.app, provider)).auditChain;
  const audit = new AuditService(new AuditStore(rt.pools.audit, chain), systemClock, cli.logger);
  return { rt, provider, audit, log: cli.logger };
}

/** A CLI operation's audit row: the CLI actor, an action `<group>.<operation>`, ids, codes and integer counts only. */
export type CliAuditRow = Omit<AuditRecord, 'outcome' | keyof ReturnType<typeof cliActor>> & { action: `${'keys' | 'retention' | 'db'}.${string}` };

/**
 * Runs an operation recorded in the chained audit log: 'granted' before it acts (no row, no
 * action), an 'error' row with the error's code if it fails. `progress` adds integer counts to
 * the error row (how far a resumable run got).
 */
export async function audited<T>(
  tools: { audit: AuditService; log: Logger },
  row: CliAuditRow,
  work: () => Promise<T>,
  progress?: () => Record<string, number>,
): Promise<T> {
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
