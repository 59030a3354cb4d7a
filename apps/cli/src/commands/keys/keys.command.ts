import { isUuid } from '@ortholedger/access';
import { Command, Option, SubCommand } from 'nest-commander';
import { assertErasureRequest, LocalKeyProvider, type RewrapProgress } from '@ortholedger/crypto';
import { operatingSystemUser } from '../../cli-actor';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress } from '../../output/progress';
import { CommandGroup } from '../command-group';
import { audited } from '../../cli-audit';
import { type KeyAuditRow, keyTools } from './key-audit';

@SubCommand({ name: 'rewrap', description: 're-wrap every data key under the current master key (resumable; events are not touched)' })
export class KeysRewrapCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    // Re-wrap rewrites wrapped keys, which only the schema owner may.
    const tools = await keyTools(this.runtime, 'owner');
    let progress: ReturnType<typeof createProgress> | undefined;
    let reached: RewrapProgress = { total: 0, done: 0, skipped: 0 };
    const report = await audited(
      tools,
      { action: 'keys.rewrap' },
      () =>
        tools.vault.rewrapAll({
          onProgress: (p) => {
            reached = p;
            progress ??= createProgress('keys rewrap', p.total, { json: options.json, unit: 'keys' });
            progress.update(p.done + p.skipped, p.total);
          },
        }),
      () => ({ ...reached }),
    );
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
    // Refused input is refused before anything is recorded: the audit log is append-only.
    if (options.actor !== undefined && !isUuid(options.actor)) throw new Error('--actor must be the user id (UUID) of who requested the erasure');
    const actor = options.actor ?? `cli:${operatingSystemUser()}`;
    assertErasureRequest(patientId, options.reason, actor);
    // The app role may erase (keyvault.erase_subject). In the chained audit log as well as the keyvault's own erasure record.
    // The row's actor is who ran it (the OS user, as for every CLI row); who asked for it is the declared param `requestedBy`.
    const tools = await keyTools(this.runtime, 'app');
    const row: KeyAuditRow = {
      action: 'keys.erase_subject', resourceType: 'patient', resourceId: patientId, patientId, reason: options.reason,
      ...(options.actor ? { params: { requestedBy: options.actor } } : {}),
    };
    const report = await audited(tools, row, () => tools.vault.eraseSubject(patientId, options.reason!, actor));
    print(!!options.json, { subjectId: patientId, actor, reason: options.reason, ...report }, () =>
      `erased subject ${patientId}: ${report.keyVersions} key versions of ${report.streams} streams destroyed (erasure ${report.erasureId})`,
    );
  }

  @Option({ flags: '--reason <code>', description: 'reason code, optionally with a ticket: gdpr_art17:TICKET-123 (no free text, no PHI)' })
  reason(value: string): string {
    return value;
  }

  @Option({ flags: '--actor <userId>', description: 'user id (UUID) of who requested the erasure, kept in the erasure record and the audit row; defaults to cli:<os user>' })
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
    const tools = await keyTools(this.runtime, 'owner');
    const { provider } = tools;
    if (!(provider instanceof LocalKeyProvider)) throw new Error('with aws-kms, list the current key ARN in AWS_KMS_PREVIOUS_KEY_IDS, move the alias (or set AWS_KMS_KEY_ID), then run keys rewrap');
    const version = await audited(tools, { action: 'keys.rotate_master' }, async () => provider.rotateMasterKey());
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
    const tools = await keyTools(this.runtime, 'owner');
    await audited(tools, { action: 'keys.retire_master', params: { version } }, () => tools.vault.retireLocalMasterKey(version));
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
