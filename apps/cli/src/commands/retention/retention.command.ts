import { Command, Option, SubCommand } from 'nest-commander';
import { KeyVault } from '@ortholedger/crypto';
import { audited, auditTools } from '../../cli-audit';
import { cliActor, operatingSystemUser } from '../../cli-actor';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress } from '../../output/progress';
import { CommandGroup } from '../command-group';
import { findRetentionCandidates, isStillDue, type RetentionCounts } from './retention-candidates';
import { RETENTION_REASON, retentionPolicy } from './retention-policy';

const summary = (c: RetentionCounts) =>
  `${c.due} due; kept: ${c.openCase} with an open case, ${c.closedRecently} closed within the period, ${c.notProjected} not yet projected, ${c.withoutCases} without cases`;

@SubCommand({ name: 'report', description: 'patients whose retention period has run out (ids and counts only; nothing is erased)' })
export class RetentionReportCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const policy = retentionPolicy(); // before the database is opened
    const tools = await auditTools(this.runtime);
    const found = await findRetentionCandidates(tools.rt.pools.app, policy.cutoff);
    // A compliance read: recorded before the list leaves.
    await tools.audit.record({ ...cliActor(), action: 'retention.report', outcome: 'granted', params: { yearsAfterClose: policy.yearsAfterClose, ...found.counts } });
    print(!!options.json, { yearsAfterClose: policy.yearsAfterClose, cutoff: policy.cutoff.toISOString(), ...found }, () =>
      [...found.due, `retention (${policy.yearsAfterClose} years after the last case closed, before ${policy.cutoff.toISOString()}): ${summary(found.counts)}`].join('\n'),
    );
  }
}

@SubCommand({ name: 'run', description: 'crypto-shred every patient whose retention period has run out, as keys erase-subject does (irreversible)' })
export class RetentionRunCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean; dryRun?: boolean; limit?: number }): Promise<void> {
    const policy = retentionPolicy();
    const tools = await auditTools(this.runtime);
    const pool = tools.rt.pools.app;
    const found = await findRetentionCandidates(pool, policy.cutoff);
    const selected = found.due.slice(0, options.limit ?? found.due.length);
    const params = { yearsAfterClose: policy.yearsAfterClose, due: found.counts.due, selected: selected.length, dryRun: !!options.dryRun };
    if (options.dryRun) {
      await tools.audit.record({ ...cliActor(), action: 'retention.run', outcome: 'granted', params });
      print(!!options.json, { ...params, cutoff: policy.cutoff.toISOString(), wouldErase: selected, counts: found.counts }, () =>
        [...selected, `dry run: would erase ${selected.length} of ${found.counts.due} due patients; nothing erased`].join('\n'),
      );
      return;
    }
    // The app role may erase (keyvault.erase_subject); its NOTIFY drops cached keys in every process and the projection workers sweep the read models.
    const vault = new KeyVault({ pool, provider: tools.provider });
    const actor = `cli:${operatingSystemUser()}`;
    const erased: string[] = [];
    const skipped: string[] = [];
    const progress = createProgress('retention run', selected.length, { json: options.json, unit: 'patients' });
    try {
      await audited(
        tools,
        { action: 'retention.run', reason: RETENTION_REASON, params },
        async () => {
          for (const patientId of selected) {
            if (!(await isStillDue(pool, patientId, policy.cutoff))) {
              skipped.push(patientId);
            } else {
              const row = { action: 'retention.erase_subject', resourceType: 'patient', resourceId: patientId, patientId, reason: RETENTION_REASON } as const;
              await audited(tools, row, () => vault.eraseSubject(patientId, RETENTION_REASON, actor));
              erased.push(patientId);
            }
            progress.update(erased.length + skipped.length);
          }
        },
        () => ({ erased: erased.length, skipped: skipped.length }),
      );
    } finally {
      progress.stop();
    }
    await tools.audit.record({ ...cliActor(), action: 'retention.run_summary', outcome: 'granted', reason: RETENTION_REASON, params: { ...params, erased: erased.length, skipped: skipped.length } });
    print(!!options.json, { ...params, cutoff: policy.cutoff.toISOString(), erased, skipped, counts: found.counts }, () =>
      [...erased, `erased ${erased.length} of ${found.counts.due} due patients${skipped.length ? ` (${skipped.length} no longer due, kept)` : ''}`].join('\n'),
    );
  }

  @Option({ flags: '--dry-run', description: 'list who would be erased; erase nothing' })
  dryRun(): boolean {
    return true;
  }

  @Option({ flags: '--limit <n>', description: 'erase at most n patients, the longest overdue first (1 to 100000)' })
  limit(value: string): number {
    return integerIn('--limit', 1, 100_000, value);
  }
}

@Command({ name: 'retention', description: 'retention of closed patients: report who is due, crypto-shred them', subCommands: [RetentionReportCommand, RetentionRunCommand] })
export class RetentionCommand extends CommandGroup {}

/** Providers to add to CliModule. */
export const retentionCommands = [RetentionCommand, RetentionReportCommand, RetentionRunCommand];
