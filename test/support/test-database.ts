import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabasePools, type DatabasePools, migrateToLatest } from '@ortholedger/platform';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pools: DatabasePools;
  /** A superuser-ish connection for tests that play the attacker (disable triggers, edit rows). */
  admin(): Promise<pg.Client>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh, migrated database on the suite's server; every suite gets its own. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set (run `npm test`)');
  const name = `ol_t_${randomBytes(6).toString('hex')}`;
  const maintenance = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await maintenance.connect();
  try {
    await maintenance.query(`create database ${name}`);
  } finally {
    await maintenance.end();
  }
  const url = withDatabase(serverUrl, name);
  const pools = createDatabasePools({ ownerUrl: url, max: 12, applicationName: 'ortholedger-test' });
  if (options.migrate !== false) await migrateToLatest(pools.owner);
  return {
    name,
    url,
    pools,
    async admin() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    },
    async drop() {
      await pools.close();
      const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
