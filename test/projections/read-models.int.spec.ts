import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { compareWithLog } from './support/compare';

describe('read models from a seeded clinic (through the command side)', () => {
  let f: ProjectionFixture;
  let events = 0;

  beforeAll(async () => {
    f = await projectionFixture();
    ({ events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 120, casesPerPatient: 2, seed: 7 }), { mode: 'commands', concurrency: 4 }));
    await waitForVisible(f.fx, events);
  }, 120_000);
  afterAll(() => f.close());

  it('equal the model computed directly from the log', async () => {
    await f.catchUp();
    const diff = await compareWithLog(f);
    expect({ ...diff, rows: undefined }).toEqual({ directory: 0, careTeam: 0, board: 0, timeline: 0, rows: undefined });
    expect(diff.rows.patient_directory).toBe(120);
    expect(diff.rows.case_board).toBe(240);
  }, 120_000);

  it('a second pass changes nothing (checkpoints hold)', async () => {
    const before = await f.digest();
    await f.catchUp();
    expect(await f.digest()).toBe(before);
  }, 60_000);
});
