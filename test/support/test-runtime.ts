import type { Logger } from 'pino';
import { createLogger, loadConfig, type Runtime } from '@ortholedger/platform';
import type { TestDatabase } from './test-database';

/** A Runtime over a test database; `env` overrides the configuration as an operator would. */
export function testRuntime(db: TestDatabase, env: Record<string, string> = {}): Runtime {
  const config = loadConfig({ DATA_DIR: `/tmp/ortholedger-test-${db.name}`, ...env, DATABASE_URL: db.url });
  return { config, databaseUrl: db.url, embedded: false, ownerLogin: true, pools: db.pools, stop: async () => undefined };
}

/** Logs captured in memory, so tests can assert what was (not) logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
