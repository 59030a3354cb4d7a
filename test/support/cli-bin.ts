import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The built CLI (`npm run build`), as `npx ortholedger` runs it. */
export const CLI_BIN = path.resolve(__dirname, '../../bin/ortholedger.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI as an engineer does (commander's option parsing and exit codes are only real
 * there): this process's environment with LOG_LEVEL silent, `env` on top. A non-zero exit is a
 * result, not an exception.
 */
export async function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The CLI pointed at a test database, with a DATA_DIR (local keyring) of its own. */
export const cliEnvFor = (db: { url: string; name: string }): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url, DATA_DIR: `/tmp/ortholedger-cli-${db.name}` });
