import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_BIN as BIN, type CliResult, runCli } from '../../support/cli-bin';
import type { ProjectionFixture } from './projection-fixture';

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

export function cli(f: ProjectionFixture, ...args: string[]): Promise<CliResult> {
  return runCli(cliEnv(f), ...args);
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
