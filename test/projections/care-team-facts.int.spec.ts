import { randomUUID } from 'node:crypto';
import { CoalescedCareTeamDirectory, PostgresCareTeamDirectory } from '@ortholedger/access';
import { type EventStore, PostgresEventStore, type Position, StreamNotFound } from '@ortholedger/event-store';
import { careTeamHeads, type CareTeamFacts, CareTeamStale, ProjectedCareTeamDirectory } from '@ortholedger/read-models';
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

/**
 * The facts are given only once the care_team projection has applied the patient's newest event,
 * wherever that head is read: in the facts statement (the Postgres adapter's table) or through the
 * port (`streamHeads`, as with EventStoreDB; exercised here on the Postgres adapter, whose
 * `readStream` the contract suite holds to the same semantics as EventStoreDB's).
 */
describe.each([
  ['the facts statement', false],
  ['the event store port', true],
] as const)('care-team facts consistent with the log, head read from %s', (_label, viaPort) => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let interim: PostgresCareTeamDirectory;
  let directory: ProjectedCareTeamDirectory;
  const clinic = randomUUID();
  const user = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pools.app, pollIntervalMs: 60_000 });
    interim = new PostgresCareTeamDirectory(db.pools.app);
    directory = new ProjectedCareTeamDirectory(db.pools.app, { interim, consistencyWaitMs: 150, ...(viaPort ? { streamHeads: store } : {}) });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const append = (patientId: string) =>
    store.appendToStream(`patient-${patientId}`, [{ eventId: randomUUID(), type: 'CareTeamMemberAssigned', data: new Uint8Array([1]), metadata: {} }]);
  /** What the projector would have written, and its checkpoint at `position`. */
  async function projected(patientId: string, members: string[], position: Position) {
    const owner = db.pools.owner;
    await owner.query('insert into read_models.care_team_patients (patient_id, clinic_id, updated_at) values ($1, $2, now()) on conflict (patient_id) do nothing', [patientId, clinic]);
    await owner.query('delete from read_models.care_team where patient_id = $1', [patientId]);
    for (const m of members) await owner.query(`insert into read_models.care_team (patient_id, user_id, role, assigned_at) values ($1, $2, 'orthodontist', now())`, [patientId, m]);
    await owner.query(
      `insert into read_models.projection_checkpoints (projection, target, version, pos_commit, pos_prepare) values ('care_team', 'live', 1, $1, $2)
       on conflict (projection, target) do update set pos_commit = excluded.pos_commit, pos_prepare = excluded.pos_prepare`,
      [position.commit.toString(), position.prepare.toString()],
    );
  }

  it('answers from the read model once caught up, fails closed while behind, and follows a removal', async () => {
    const patient = randomUUID();
    // The interim tables say otherwise: the projected answer must win for a patient the log knows.
    await interim.setPatientClinic(patient, randomUUID());

    const first = await append(patient);
    await projected(patient, [user], { commit: first.position.commit, prepare: first.position.prepare - 1n });
    await expect(directory.patientFacts(patient, user)).rejects.toBeInstanceOf(CareTeamStale);
    expect(await directory.patientFactsMany([{ patientId: patient, userId: user }])).toEqual([undefined]);

    await projected(patient, [user], first.position);
    expect(await directory.patientFacts(patient, user)).toEqual({ clinicId: clinic, onCareTeam: true });
    expect(await directory.patientFactsMany([{ patientId: patient, userId: user }, { patientId: patient, userId: randomUUID() }])).toEqual([
      { clinicId: clinic, onCareTeam: true },
      { clinicId: clinic, onCareTeam: false },
    ]);

    // A removal is a newer event: until the projection has it, no answer (not the old "member").
    const removal = await append(patient);
    await expect(directory.patientFacts(patient, user)).rejects.toBeInstanceOf(CareTeamStale);
    // Applied while the lookup waits: it answers as soon as the checkpoint passes the head.
    const lenient = new ProjectedCareTeamDirectory(db.pools.app, { interim, consistencyWaitMs: 10_000, ...(viaPort ? { streamHeads: store } : {}) });
    const waiting = lenient.patientFacts(patient, user);
    await projected(patient, [], removal.position);
    expect(await waiting).toEqual({ clinicId: clinic, onCareTeam: false });
  });

  it('many pairs: each patient is held to its own head, in any order', async () => {
    const [settled, ahead] = [randomUUID(), randomUUID()];
    const a = await append(settled);
    await projected(settled, [user], a.position);
    await projected(ahead, [user], a.position);
    await append(ahead); // newer than the checkpoint: no answer for this patient yet
    const pairs = [ahead, settled, ahead, settled].map((patientId) => ({ patientId, userId: user }));
    const answer = { clinicId: clinic, onCareTeam: true };
    expect(await directory.patientFactsMany(pairs)).toEqual([undefined, answer, undefined, answer]);
    if (viaPort) {
      // A head that cannot be read leaves only that patient's pairs to their own (failing) lookups.
      const flaky = {
        readStream: (id: string, options: object) => (id === `patient-${settled}` ? Promise.reject(new Error('unavailable')) : store.readStream(id, options)),
      } as unknown as EventStore;
      const withFlaky = new ProjectedCareTeamDirectory(db.pools.app, { interim, consistencyWaitMs: 150, streamHeads: flaky });
      const b = await append(randomUUID()); // another patient's event: the checkpoint moves past both heads
      await projected(ahead, [user], b.position);
      expect(await withFlaky.patientFactsMany(pairs)).toEqual([answer, undefined, answer, undefined]);
      await expect(withFlaky.patientFacts(settled, user)).rejects.toThrow('unavailable');
    }
  });

  it('a patient the log never mentioned, or an erased one, is answered by the interim tables only', async () => {
    const unknown = randomUUID();
    await interim.setPatientClinic(unknown, clinic);
    await interim.addMember(unknown, user);
    expect(await directory.patientFacts(unknown, user)).toEqual({ clinicId: clinic, onCareTeam: true });
    expect(await directory.patientFactsMany([{ patientId: unknown, userId: user }])).toEqual([undefined]);

    const erased = randomUUID();
    const written = await append(erased);
    await projected(erased, [user], written.position);
    expect(await directory.patientFacts(erased, user)).toEqual({ clinicId: clinic, onCareTeam: true });
    await db.pools.owner.query(`insert into keyvault.erasures (subject_id, actor_id, reason, streams, key_versions) values ($1, 'test', 'test', 1, 1)`, [erased]);
    expect(await directory.patientFacts(erased, user)).toEqual({ clinicId: undefined, onCareTeam: false });
    expect(await directory.patientFactsMany([{ patientId: erased, userId: user }])).toEqual([undefined]);
  });

  it('a list page: every pair answered as patientFacts would, the pairs behind waiting together (one statement a round), stale after the wait', async () => {
    const [settled, behind, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    const a = await append(settled);
    await projected(settled, [user], a.position);
    await interim.setPatientClinic(unknown, clinic);
    const b = await append(behind);
    await projected(behind, [], { commit: b.position.commit, prepare: b.position.prepare - 1n });
    const pairs = [settled, unknown, behind, settled].map((patientId) => ({ patientId, userId: user }));
    const statements = jest.spyOn(db.pools.app, 'query');
    try {
      await expect(directory.patientFactsAll(pairs)).rejects.toBeInstanceOf(CareTeamStale);
      const rounds = statements.mock.calls.filter(([q]) => typeof q === 'object' && /care_team_facts_many/.test((q as { name?: string }).name ?? '')).length;
      // The wait is 150 ms with 15 ms pauses: about ten rounds of one statement, never one per pair and pause.
      expect(rounds).toBeGreaterThan(1);
      expect(rounds).toBeLessThanOrEqual(12);
    } finally {
      statements.mockRestore();
    }
    // Applied while the page waits: it answers once the checkpoint passes the head (the unknown patient from the interim tables).
    const lenient = new ProjectedCareTeamDirectory(db.pools.app, { interim, consistencyWaitMs: 10_000, ...(viaPort ? { streamHeads: store } : {}) });
    const waiting = lenient.patientFactsAll(pairs);
    await projected(behind, [user], b.position);
    const member = { clinicId: clinic, onCareTeam: true };
    expect(await waiting).toEqual([member, { clinicId: clinic, onCareTeam: false }, member, member]);
  });
});

describe('care-team heads through the port', () => {
  it('careTeamHeads: none for the Postgres adapter (its table is in the statement), the store itself otherwise', async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const postgres = new PostgresEventStore({ pool: db.pools.app, pollIntervalMs: 60_000 });
      expect(careTeamHeads(postgres)).toBeUndefined();
      const other = { readStream: jest.fn() } as unknown as EventStore;
      expect(careTeamHeads(other)).toBe(other);
      await postgres.close();
    } finally {
      await db.drop();
    }
  });

  it('a port failure other than "no such stream" is an error, never an answer', async () => {
    const db = await createTestDatabase();
    try {
      const failing = { readStream: jest.fn().mockRejectedValue(new Error('connection reset')) } as unknown as EventStore;
      const missing = { readStream: jest.fn().mockRejectedValue(new StreamNotFound('x')) } as unknown as EventStore;
      const interim = { patientFacts: jest.fn().mockResolvedValue({ clinicId: 'interim', onCareTeam: true }) } as unknown as CareTeamFacts;
      const patient = randomUUID();
      const user = randomUUID();
      await expect(new ProjectedCareTeamDirectory(db.pools.app, { interim, streamHeads: failing }).patientFacts(patient, user)).rejects.toThrow('connection reset');
      // In a batch the pair is left unanswered (never answered, never the interim tables): its own lookup above fails.
      expect(await new ProjectedCareTeamDirectory(db.pools.app, { interim, streamHeads: failing }).patientFactsMany([{ patientId: patient, userId: user }])).toEqual([undefined]);
      expect(await new ProjectedCareTeamDirectory(db.pools.app, { interim, streamHeads: missing }).patientFacts(patient, user)).toEqual({ clinicId: 'interim', onCareTeam: true });
      expect((missing.readStream as jest.Mock).mock.calls[0]).toEqual([`patient-${patient}`, { direction: 'backwards', maxCount: 1, fromLeader: true }]);
    } finally {
      await db.drop();
    }
  });
});
