import { AuditService, AuditStore, isUuid, SecretKeyring, systemClock } from '@ortholedger/access';
import { Command, Option, SubCommand } from 'nest-commander';
import { createKeyProvider, KeyVault, LocalKeyProvider } from '@ortholedger/crypto';
import { cliActor, operatingSystemUser } from '../../cli-actor';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress } from '../../output/progress';
import { CommandGroup } from '../command-group';

/** Key operations run as the schema owner: re-wrap rewrites wrapped keys, which the app role may not. */
async function vault(runtime: CliRuntime) {
  const rt = await runtime.get();
  const provider = createKeyProvider(rt.config);
  return { provider, vault: new KeyVault({ pool: rt.pools.owner, provider }) };
}

@SubCommand({ name: 'rewrap', description: 're-wrap every data key under the current master key (resumable; events are not touched)' })
export class KeysRewrapCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const { vault: keys } = await vault(this.runtime);
    let progress: ReturnType<typeof createProgress> | undefined;
    const report = await keys.rewrapAll({
      onProgress: (p) => {
        progress ??= createProgress('keys rewrap', p.total, { json: options.json, unit: 'keys' });
        progress.update(p.done + p.skipped, p.total);
      },
    });
    progress?.stop();
    print(!!options.json, report, () =>
      report.total === 0
        ? `every key is already wrapped under ${report.keyRef}`
        : `re-wrapped ${report.done} of ${report.total} keys under ${report.keyRef}${report.skipped ? ` (${report.skipped} changed meanwhile, skipped)` : ''}`,
    );
  }
}

@SubCommand({
  name: 'erase-subject',
  arguments: '<patientId>',
  description: 'crypto-shred a patient: destroy the data keys of every stream filed under them (irreversible)',
})
export class KeysEraseSubjectCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run([patientId]: string[], options: { json?: boolean; reason?: string; actor?: string }): Promise<void> {
    if (!options.reason) throw new Error('--reason is required (a code such as gdpr_art17 or gdpr_art17:TICKET-123)');
    const rt = await this.runtime.get();
    // The app role may erase (keyvault.erase_subject); only re-wrapping needs the owner.
    const provider = createKeyProvider(rt.config);
    const keys = new KeyVault({ pool: rt.pools.app, provider });
    const actor = options.actor ?? `cli:${operatingSystemUser()}`;
    // In the chained audit log as well as the keyvault's own erasure record: granted before it acts, an error row if it fails.
    // Only the chain key is needed (not the APIs' JWT keys or network settings): an erasure job runs with database and KMS settings.
    const chain = (await SecretKeyring.load(rt.pools.app, provider)).auditChain;
    const audit = new AuditService(new AuditStore(rt.pools.app, chain), systemClock, this.runtime.logger);
    const row = { ...cliActor(), action: 'keys.erase_subject', resourceType: 'patient', ...(isUuid(patientId) ? { resourceId: patientId, patientId } : {}) };
    await audit.record({ ...row, outcome: 'granted', reason: options.reason });
    let report: Awaited<ReturnType<KeyVault['eraseSubject']>>;
    try {
      report = await keys.eraseSubject(patientId, options.reason, actor);
    } catch (error) {
      // The erasure's own error is the one to report, even if its audit row cannot be written.
      await audit.record({ ...row, outcome: 'error', reason: (error as { code?: string }).code ?? 'failed' }).catch((auditError: { code?: string }) =>
        this.runtime.logger.error({ code: auditError?.code }, 'keys erase-subject: the error row could not be written to the audit log'),
      );
      throw error;
    }
    print(!!options.json, { subjectId: patientId, actor, reason: options.reason, ...report }, () =>
      `erased subject ${patientId}: ${report.keyVersions} key versions of ${report.streams} streams destroyed (erasure ${report.erasureId})`,
    );
  }

  @Option({ flags: '--reason <code>', description: 'reason code, optionally with a ticket: gdpr_art17:TICKET-123 (no free text, no PHI)' })
  reason(value: string): string {
    return value;
  }

  @Option({ flags: '--actor <id>', description: 'who requested the erasure (user id); defaults to cli:<os user>' })
  actor(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'rotate-master', description: 'local keys only: add a master key version and make it current (then run keys rewrap)' })
export class KeysRotateMasterCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const { provider } = await vault(this.runtime);
    if (!(provider instanceof LocalKeyProvider)) throw new Error('with aws-kms, rotate in KMS (or move the alias), then run keys rewrap');
    const version = provider.rotateMasterKey();
    print(!!options.json, { currentVersion: version }, () => `master key version ${version} is now current; run keys rewrap`);
  }
}

@SubCommand({ name: 'retire-master', arguments: '<version>', description: 'local keys only: delete an old master key version once nothing is wrapped under it' })
export class KeysRetireMasterCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run([value]: string[], options: { json?: boolean }): Promise<void> {
    const version = integerIn('<version>', 1, 2 ** 31 - 1, value); // before the database is opened
    const { vault: keys } = await vault(this.runtime);
    await keys.retireLocalMasterKey(version);
    print(!!options.json, { retired: version }, () => `master key version ${version} retired`);
  }
}

@Command({
  name: 'keys',
  description: 'data keys: re-wrap, master key rotation, crypto-shredding',
  subCommands: [KeysRewrapCommand, KeysEraseSubjectCommand, KeysRotateMasterCommand, KeysRetireMasterCommand],
})
export class KeysCommand extends CommandGroup {}

/** Providers to add to CliModule. */
export const keysCommands = [KeysCommand, KeysRewrapCommand, KeysEraseSubjectCommand, KeysRotateMasterCommand, KeysRetireMasterCommand];
