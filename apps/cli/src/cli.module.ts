import { Module } from '@nestjs/common';
import { CliRuntime } from './cli-runtime.service';
import { AUDIT_COMMANDS } from './commands/audit/audit.command';
import { DbCommand, DbMigrateCommand, DbPurgeIdempotencyCommand } from './commands/db/db-migrate.command';
import { EventsCommand, EventsStatsCommand, EventsVerifyCommand } from './commands/events/events.command';
import { keysCommands } from './commands/keys/keys.command';
import { projectionsCommands } from './commands/projections/projections.command';
import { retentionCommands } from './commands/retention/retention.command';
import { SeedCommand } from './commands/seed/seed.command';
import { ServeCommand } from './commands/serve/serve.command';
import { USERS_COMMANDS } from './commands/users/users.command';

@Module({
  providers: [CliRuntime, ServeCommand, DbCommand, DbMigrateCommand, DbPurgeIdempotencyCommand, EventsCommand, EventsStatsCommand, EventsVerifyCommand, ...keysCommands, ...USERS_COMMANDS, ...AUDIT_COMMANDS, ...projectionsCommands, ...retentionCommands, SeedCommand],
})
export class CliModule {}
