import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ProjectionFixture } from './projection-fixture';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../../bin/ortholedger.js');

/** The built CLI as an engineer runs it, on the fixture's database and keyring. */
export function cliEnv(f: ProjectionFixture): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: f.db.url,
    DATA_DIR: `/tmp/ortholedger-proj-${f.db.name}`,
    LOCAL_MASTER_KEY_FILE: f.fx.keyringFile,
    LOG_LEVEL: 'silent',
  };
}

export async function cli(f: ProjectionFixture, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: cliEnv(f), maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts the CLI and SIGKILLs it after `ms` (a real crash: no shutdown hooks run). Resolves with whether it was killed. */
export function cliKilledAfter(f: ProjectionFixture, ms: number, ...args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { env: cliEnv(f), stdio: 'ignore' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(killed);
    });
  });
}
