import { Command, Option, SubCommand } from 'nest-commander';
import { migrateToLatest, purgeIdempotencyRecords } from '@ortholedger/platform';
import { audited, auditTools } from '../../cli-audit';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { CommandGroup } from '../command-group';

@SubCommand({ name: 'migrate', description: 'apply pending database migrations (as the schema owner)' })
export class DbMigrateCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get({ migrate: false });
    const outcome = await migrateToLatest(runtime.pools.owner);
    print(!!options.json, { applied: outcome.applied }, () =>
      outcome.applied.length ? `applied: ${outcome.applied.join(', ')}` : 'database is up to date',
    );
  }
}

@SubCommand({ name: 'purge-idempotency', description: 'delete command idempotency records older than --older-than-hours (default 24)' })
export class DbPurgeIdempotencyCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean; olderThanHours?: number }): Promise<void> {
    const hours = options.olderThanHours ?? 24;
    const tools = await auditTools(this.runtime);
    const owner = tools.rt.pools.owner;
    const before = new Date(Date.now() - hours * 3_600_000);
    // Counted first so the row, written before anything is deleted, holds the count (the cut-off is fixed, so only a concurrent purge can make it smaller).
    const { rows } = await owner.query<{ n: number }>('select count(*)::int as n from command_idempotency.requests where created_at < $1', [before]);
    const params = { olderThanHours: hours, records: rows[0].n };
    const deleted = await audited(tools, { action: 'db.purge_idempotency', params }, () => purgeIdempotencyRecords(owner, before));
    print(!!options.json, { deleted, before: before.toISOString() }, () => `deleted ${deleted} idempotency record(s) created before ${before.toISOString()}`);
  }

  @Option({ flags: '--older-than-hours <hours>', description: 'keep records younger than this (1 to 8760, default 24)' })
  olderThanHours(value: string): number {
    return integerIn('--older-than-hours', 1, 8760, value);
  }
}

@Command({ name: 'db', description: 'database operations', subCommands: [DbMigrateCommand, DbPurgeIdempotencyCommand] })
export class DbCommand extends CommandGroup {}
