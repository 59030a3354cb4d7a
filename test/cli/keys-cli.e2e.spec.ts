import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/ortholedger.js');

/** The built CLI, as an engineer runs it. */
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ortholedger keys', () => {
  // Nothing listens there: a command that opened the database would fail with a connection error instead.
  const noDatabase = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' };

  it.each(['abc', '0', '-1', '1.5'])('retire-master %s is refused as a version before the database is opened', async (version) => {
    const result = await cli(noDatabase, 'keys', 'retire-master', '--', version);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('<version> must be an integer from 1 to');
  });
});
