import { Inject } from '@nestjs/common';
import { Command, Option, SubCommand } from 'nest-commander';
import { auditHead, SecretKeyring, verifyAuditChain } from '@ortholedger/access';
import { createKeyProvider } from '@ortholedger/crypto';
import { CliRuntime } from '../../cli-runtime.service';
import { JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress } from '../../output/progress';
import { CommandGroup } from '../command-group';

abstract class AuditSubCommand extends JsonCommand {
  // @Inject: subclasses declare no constructor, so the type metadata would not reach Nest.
  constructor(@Inject(CliRuntime) protected readonly runtime: CliRuntime) {
    super();
  }
}

@SubCommand({
  name: 'verify',
  description: 'walk the audit chain (keyed links); exit 1 and name every broken position (the first 100, and how many). --legacy-until N: rows up to N predate keyed links (the position `audit head` printed when you upgraded)',
})
export class AuditVerifyCommand extends AuditSubCommand {
  async run(_params: string[], options: { json?: boolean; legacyUntil?: number }): Promise<void> {
    const runtime = await this.runtime.get();
    // The links are MACs under a key derived from the access root: verifying needs the key provider (KMS in production).
    const keyring = await SecretKeyring.load(runtime.pools.app, createKeyProvider(runtime.config));
    const head = await auditHead(runtime.pools.app);
    const progress = createProgress('audit verify', head.seq, { json: options.json, unit: 'rows' });
    const result = await verifyAuditChain(runtime.pools.app, keyring.auditChain, { legacyUntil: options.legacyUntil, onProgress: (done, total) => progress.update(done, total) });
    progress.stop();
    print(!!options.json, result, () => {
      if (result.ok) return `ok: ${result.checked} rows${options.legacyUntil ? ` (1 to ${options.legacyUntil} with plain links, from before links were keyed)` : ''}, head ${result.head.seq} ${result.head.hash}`;
      const lines = [`FAILED at position ${result.brokenAt}: ${result.problem} (${result.checked} rows verified before it)`];
      if (result.breakCount > 1) {
        lines.push(`${result.breakCount} breaks in all (${result.scanned} rows read):`);
        for (const b of result.breaks) lines.push(`  ${b.through !== undefined && b.through !== b.at ? `${b.at}-${b.through}` : b.at}: ${b.problem}`);
        if (result.breakCount > result.breaks.length) lines.push(`  and ${result.breakCount - result.breaks.length} more`);
      }
      if (result.breaks.some((b) => b.problem === 'unkeyed_row')) {
        lines.push('a plain SHA-256 link: written before links were keyed, or forged without the key. If rows up to the position you anchored when upgrading predate keyed links, pass --legacy-until with that position');
      }
      return lines.join('\n');
    });
    if (!result.ok) process.exitCode = 1;
  }

  @Option({ flags: '--legacy-until <position>', description: 'last position written before links were keyed, as anchored at the upgrade' })
  parseLegacyUntil(value: string): number {
    if (!/^\d{1,15}$/.test(value)) throw new Error('--legacy-until must be a position (digits)');
    return Number(value);
  }
}

@SubCommand({ name: 'head', description: 'print the chain head (position and hash) to anchor outside the database' })
export class AuditHeadCommand extends AuditSubCommand {
  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get();
    const head = await auditHead(runtime.pools.app);
    print(!!options.json, { ...head, at: new Date().toISOString() }, () => `${head.seq} ${head.hash}`);
  }
}

@Command({ name: 'audit', description: 'the tamper-evident audit log', subCommands: [AuditVerifyCommand, AuditHeadCommand] })
export class AuditCommand extends CommandGroup {}

export const AUDIT_COMMANDS = [AuditCommand, AuditVerifyCommand, AuditHeadCommand];
