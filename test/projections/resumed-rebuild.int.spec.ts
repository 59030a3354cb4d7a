import { rebuild } from '@ortholedger/read-models';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { cli } from './support/cli';
import { totalEvents } from './support/writers';

class Crash extends Error {}

/** `projections rebuild` after an interrupted one: what it reports is this run's work, apart from what the interrupted run had read. */
describe('projections rebuild, resumed', () => {
  let f: ProjectionFixture;
  let events: number;

  /** An in-process rebuild that dies in its fourth batch: three batches stay in the shadow tables. */
  const interruptedRebuild = () =>
    rebuild({
      db: f.owner, pool: f.db.pools.owner, source: f.source, projections: f.projections, restart: true, batchSize: 50,
      faults: { inTransaction: (batch) => { if (batch === 4) throw new Crash(); } },
    }).then(() => { throw new Error('the rebuild was meant to crash'); }, (error) => { if (!(error instanceof Crash)) throw error; });

  beforeAll(async () => {
    f = await projectionFixture();
    await writeClinic(f.fx.store, syntheticClinic({ patients: 60, casesPerPatient: 1, seed: 11 }), { mode: 'batched', concurrency: 4, keep: false });
    events = await totalEvents(f.db.pools.app);
    await waitForVisible(f.fx, events);
  }, 120_000);
  afterAll(() => f.close());

  it('--json: resumedAt and eventsThisRun beside events; eventsPerSecond is this run\'s speed', async () => {
    await interruptedRebuild();
    const result = await cli(f, 'projections', 'rebuild', '--all', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ swapped: true, events, resumed: ['patient_directory', 'care_team', 'case_board', 'case_timeline'] });
    expect(report.resumedAt).toBeGreaterThanOrEqual(150);
    expect(report.resumedAt).toBeLessThan(events);
    expect(report.eventsThisRun).toBe(events - report.resumedAt);
    expect(report.eventsPerSecond).toBe(report.seconds > 0 ? Math.round(report.eventsThisRun / report.seconds) : report.eventsThisRun);
  }, 120_000);

  it('for people: "resumed ... at N, M events in this run"; the progress lines start at N', async () => {
    await interruptedRebuild();
    const result = await cli(f, 'projections', 'rebuild', '--all');
    expect(result.code).toBe(0);
    const line = /^rebuilt patient_directory, care_team, case_board, case_timeline: (\d+) events; resumed patient_directory, care_team, case_board, case_timeline at (\d+), (\d+) events in this run in [\d.]+ s \(\d+\/s\); swapped in$/m.exec(result.stdout);
    expect(line).not.toBeNull();
    const [all, at, thisRun] = line!.slice(1).map(Number);
    expect([all, thisRun]).toEqual([events, events - at]);
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^rebuild patient_directory,care_team,case_board,case_timeline: ${at}/${events} events \\(0/s\\)$`));
  }, 120_000);
});
