import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import pg from 'pg';
import { createDatabasePools, migrateToLatest, startEmbeddedPostgres } from '@ortholedger/platform';
import type { BenchDatabase } from './bench.types';

export interface BenchServer {
  /** URL of the server (any database on it); fresh databases are created beside it. */
  readonly url: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set, else the embedded Postgres in `.data/bench` (kept between runs). */
export async function startBenchServer(root: string): Promise<BenchServer> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const handle = await startEmbeddedPostgres({
    dataDir: path.join(root, '.data', 'bench'),
    port: Number(process.env.BENCH_EMBEDDED_POSTGRES_PORT || 54341),
    database: 'postgres',
  });
  return { url: handle.url, embedded: true, stop: () => handle.stop() };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onMaintenance(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database, as in test/support/test-database.ts; `drop` removes it. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase & { drop(): Promise<void> }> {
  const name = `ol_b_${randomBytes(6).toString('hex')}`;
  await onMaintenance(serverUrl, `create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const pools = createDatabasePools({ ownerUrl: url, max: 16, applicationName: 'ortholedger-bench' });
  try {
    await migrateToLatest(pools.owner);
  } catch (error) {
    await pools.close();
    await onMaintenance(serverUrl, `drop database if exists ${name} with (force)`);
    throw error;
  }
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
      await onMaintenance(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
