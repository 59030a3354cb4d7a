import { randomUUID } from 'node:crypto';
import { CoalescedCareTeamDirectory, PostgresCareTeamDirectory } from '@ortholedger/access';
import { ProjectedCareTeamDirectory } from '@ortholedger/read-models';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Care-team facts for many (patient, user) pairs in one statement: answers in request order, a
 * malformed id never reaches (or breaks) the shared statement, and a pair the projected statement
 * cannot settle is left to its own lookup.
 */
describe('care-team facts, many pairs at once', () => {
  let db: TestDatabase;
  let interim: PostgresCareTeamDirectory;
  const clinic = randomUUID();
  const patient = randomUUID();
  const member = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    interim = new PostgresCareTeamDirectory(db.pools.app);
    await interim.setPatientClinic(patient, clinic);
    await interim.addMember(patient, member);
  });
  afterAll(() => db?.drop());

  const pairs = () => [
    { patientId: patient, userId: member },
    { patientId: 'not-a-uuid', userId: member },
    { patientId: patient, userId: other },
    { patientId: randomUUID(), userId: member },
    { patientId: patient, userId: "x' or 1=1 --" },
    { patientId: patient, userId: member },
  ];

  it('the interim directory answers every pair in order; malformed ids are "unknown" without entering the statement', async () => {
    expect(await interim.patientFactsMany(pairs())).toEqual([
      { clinicId: clinic, onCareTeam: true },
      { onCareTeam: false },
      { clinicId: clinic, onCareTeam: false },
      { clinicId: undefined, onCareTeam: false },
      { onCareTeam: false },
      { clinicId: clinic, onCareTeam: true },
    ]);
  });

  it('the projected directory leaves what it cannot settle (unknown to the log, malformed) to the single lookup, which asks the interim tables', async () => {
    const projected = new ProjectedCareTeamDirectory(db.pools.app, { interim, consistencyWaitMs: 200 });
    expect(await projected.patientFactsMany(pairs())).toEqual(pairs().map(() => undefined));
    const coalesced = CoalescedCareTeamDirectory.over(projected);
    const answers = await Promise.all(pairs().map((p) => coalesced.patientFacts!(p.patientId, p.userId)));
    expect(answers.map((a) => a.onCareTeam)).toEqual([true, false, false, false, false, true]);
    expect(answers[0].clinicId).toBe(clinic);
    // The clinic alone goes through the same shared statements.
    expect(await Promise.all([coalesced.patientClinic(patient), coalesced.patientClinic(randomUUID()), coalesced.patientClinic('nope')])).toEqual([clinic, undefined, undefined]);
  });
});
