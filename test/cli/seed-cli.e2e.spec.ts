import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/ortholedger.js');

describe('ortholedger seed: refused input writes nothing', () => {
  let db: TestDatabase;
  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: `/tmp/ortholedger-cli-${db.name}`, LOG_LEVEL: 'silent' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const events = async () => (await db.pools.owner.query<{ n: number }>('select count(*)::int as n from eventstore.events')).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it.each([
    ['--clinics', '0', '--clinics must be an integer from 1 to 10000'],
    ['--concurrency', '0', '--concurrency must be an integer from 1 to 64'],
  ])('%s %s is refused, not turned into 1', async (flag, value, message) => {
    const result = await cli('seed', '--patients', '2', flag, value);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await events()).toBe(0);
  });
});
