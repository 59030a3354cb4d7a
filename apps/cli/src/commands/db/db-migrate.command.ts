import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { migrateToLatest } from '@ortholedger/platform';
import { CliRuntime } from '../../cli-runtime.service';
import { print } from '../../output/output';

@SubCommand({ name: 'migrate', description: 'apply pending database migrations (as the schema owner)' })
export class DbMigrateCommand extends CommandRunner {
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

  @Option({ flags: '--json', description: 'machine-readable output' })
  json(): boolean {
    return true;
  }
}

@Command({ name: 'db', description: 'database operations', subCommands: [DbMigrateCommand] })
export class DbCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
