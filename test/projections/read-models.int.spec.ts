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

describe('exact lookups through blind indexes', () => {
  let f: ProjectionFixture;
  let patients: import('../../apps/cli/src/commands/seed/synthetic-clinic').SeededPatient[];

  beforeAll(async () => {
    f = await projectionFixture();
    let events = 0;
    ({ patients, events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 120, casesPerPatient: 0, seed: 8 }), { mode: 'batched', concurrency: 4 }));
    await waitForVisible(f.fx, events);
  }, 120_000);
  afterAll(() => f.close());

  it('find a patient by chart number, email, phone or date of birth; truncation coincidences never leak out', async () => {
    // Indexes cut to 2 bits (sized for 8 rows): about 30 of 120 rows share each value, all decrypted and compared.
    const { BLIND_INDEX_ROOT, READ_MODEL_ROOT, RootKey } = await import('@ortholedger/crypto');
    const { PatientDirectoryQueries, ReadModelKeys, createProjections } = await import('@ortholedger/read-models');
    const deps = { pool: f.db.pools.app, provider: f.fx.provider };
    const narrow = ReadModelKeys.fromRoots(await RootKey.load(deps, READ_MODEL_ROOT), await RootKey.load(deps, BLIND_INDEX_ROOT), { expectedPatients: 8 });
    await f.catchUp({ projections: createProjections(narrow) });
    const queries = new PatientDirectoryQueries(f.db.pools.app, narrow);
    const { rows } = await f.db.pools.app.query('select chart_number_bidx, count(*)::int as n from read_models.patient_directory group by 1');
    expect(rows.length).toBeLessThanOrEqual(4);
    for (const p of patients.slice(0, 25)) {
      expect((await queries.lookup('chartNumber', p.chartNumber.toLowerCase())).map((r) => r.patientId)).toEqual([p.patientId]);
      expect((await queries.lookup('email', p.email.toUpperCase())).map((r) => r.patientId)).toEqual([p.patientId]);
      expect((await queries.lookup('phone', p.phone.replace(/ /g, ''))).map((r) => r.patientId)).toEqual([p.patientId]);
      const sameBirthday = patients.filter((q) => q.dateOfBirth === p.dateOfBirth).map((q) => q.patientId).sort();
      expect((await queries.lookup('dateOfBirth', p.dateOfBirth)).map((r) => r.patientId).sort()).toEqual(sameBirthday);
    }
    expect(await queries.lookup('chartNumber', 'CH-NOT-THERE')).toEqual([]);
    narrow.close();
  }, 120_000);
});
