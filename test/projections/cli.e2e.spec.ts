import { clientConfigOf } from '@ortholedger/event-store';
import { LockSession, lockName } from '@ortholedger/read-models';
import { cliEnvFor, runCli } from '../support/cli-bin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';


describe('ortholedger seed / projections', () => {
  let db: TestDatabase;
  const cli = (...args: string[]) => runCli(cliEnvFor(db), ...args);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('seed writes through the command side; projections run, list, status and rebuild report what they did', async () => {
    const seeded = await cli('seed', '--patients', '40', '--cases-per-patient', '2', '--seed', '3');
    expect(seeded.code).toBe(0);
    const events = Number(/^seeded 40 patients, (\d+) events in [\d.]+ s$/m.exec(seeded.stdout)?.[1]);
    expect(events).toBeGreaterThan(40 * 4);
    expect(seeded.stderr).toMatch(/seed: 40\/40 patients/); // plain progress lines when stderr is not a terminal

    const list = JSON.parse((await cli('projections', 'list', '--json')).stdout);
    expect(list.map((p: { name: string }) => p.name)).toEqual(['patient_directory', 'care_team', 'case_board', 'case_timeline']);

    const before = JSON.parse((await cli('projections', 'status', '--json')).stdout);
    expect(before.every((s: { state: string; eventsBehind: number }) => s.state === 'missing' && s.eventsBehind === events)).toBe(true);

    expect((await cli('projections', 'run', '--until-caught-up', '--json')).code).toBe(0);
    const after = JSON.parse((await cli('projections', 'status', '--json')).stdout);
    expect(after.map((s: { state: string; eventsBehind: number }) => [s.state, s.eventsBehind])).toEqual(Array(4).fill(['running', 0]));
    const { rows } = await db.pools.owner.query('select count(*)::int as n from read_models.patient_directory');
    expect(rows[0].n).toBe(40);

    // A name given twice is rebuilt once.
    const rebuilt = await cli('projections', 'rebuild', 'case_board', 'case_timeline', 'case_board');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^rebuilt case_board, case_timeline: \d+ events in [\d.]+ s \(\d+\/s\); swapped in/);
    expect(rebuilt.stderr).toMatch(/rebuild case_board,case_timeline: \d+\/\d+ events \(\d+\/s\)/);
    expect((await cli('projections', 'rebuild', 'nope')).stderr).toContain('unknown projection nope');
    const mixed = await cli('projections', 'rebuild', '--all', 'nope');
    expect([mixed.code, mixed.stderr.includes('name projections or pass --all, not both')]).toEqual([1, true]);
    const human = await cli('projections', 'status');
    expect(human.stdout.split('\n')[0]).toMatch(/^projection\s+state\s+position\s+behind\s+seconds\s+last commit$/);

    // A rebuild another process is running: the error leads with its code, and --json makes it a JSON line.
    const other = new LockSession(clientConfigOf(db.pools.owner));
    await other.connect();
    try {
      expect(await other.tryLock(lockName('case_board', 'shadow'))).toBe(true);
      const busy = await cli('projections', 'rebuild', 'case_board');
      expect([busy.code, busy.stderr.trim()]).toEqual([1, 'error: PROJECTION.REBUILD_RUNNING: a rebuild of case_board is already running in another process']);
      const busyJson = await cli('projections', 'rebuild', 'case_board', '--json');
      expect([busyJson.code, JSON.parse(busyJson.stderr.trim().split('\n').pop()!)]).toEqual([
        1,
        { error: { code: 'PROJECTION.REBUILD_RUNNING', message: 'a rebuild of case_board is already running in another process' } },
      ]);
      // An error without one of our codes keeps its name, and is JSON too.
      const unknown = await cli('projections', 'rebuild', 'nope', '--json');
      expect(JSON.parse(unknown.stderr.trim().split('\n').pop()!)).toEqual({ error: { code: null, message: expect.stringContaining('unknown projection nope') } });
    } finally {
      await other.close();
    }
  }, 240_000);
});
