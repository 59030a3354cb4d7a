import type { AppConfig } from '../config/config';
import { createDatabasePools, type DatabasePools } from '../database/database';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { migrateToLatest } from '../database/migrations';
import { assertTransactionClockAhead } from '@ortholedger/event-store';

export interface Runtime {
  readonly config: AppConfig;
  readonly databaseUrl: string;
  readonly embedded: boolean;
  readonly pools: DatabasePools;
  stop(): Promise<void>;
}

/**
 * Explicit start-up: the database (embedded when DATABASE_URL is unset), then migrations as the
 * owner, then pools for the app role. Shut-down runs in reverse.
 */
export async function startRuntime(config: AppConfig, options: { migrate?: boolean } = {}): Promise<Runtime> {
  let databaseUrl = config.databaseUrl;
  let stopEmbedded: () => Promise<void> = async () => undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const pools = createDatabasePools({ ownerUrl: databaseUrl, appUrl: config.appDatabaseUrl });
  try {
    if (options.migrate !== false) {
      await migrateToLatest(pools.owner);
      // The Postgres event log's $all order needs the server's transaction counter ahead of the log (a logical restore breaks that).
      if (config.eventStore === 'postgres') await assertTransactionClockAhead(pools.owner);
    }
  } catch (error) {
    await pools.close();
    await stopEmbedded();
    throw error;
  }
  return {
    config,
    databaseUrl,
    embedded: !config.databaseUrl,
    pools,
    async stop() {
      await pools.close();
      await stopEmbedded();
    },
  };
}
