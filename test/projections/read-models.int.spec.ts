import { randomUUID } from 'node:crypto';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { compareWithLog } from './support/compare';
import { domainEvent, registered, totalEvents } from './support/writers';
import { rebuild } from '@ortholedger/read-models';
import { evolvePatient, initialPatientState, type PatientEvent } from '@ortholedger/domain';

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

  it('the board keeps no scan facts in its plaintext state (which imaging a patient had is clinical)', async () => {
    await f.catchUp();
    const { rows: [{ scans, withFacts }] } = await f.db.pools.owner.query(
      `select (select count(*)::int from read_models.case_timeline where event_type = 'ScanAttached') as scans,
              (select count(*)::int from read_models.case_board where state ? 'scans') as "withFacts"`,
    );
    expect(scans).toBeGreaterThan(0);
    expect(withFacts).toBe(0);
  });

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

describe('confirmation tags beside the blind indexes (bytes in Postgres, lookups through the queries)', () => {
  let f: ProjectionFixture;
  let patients: import('../../apps/cli/src/commands/seed/synthetic-clinic').SeededPatient[];
  let narrow: import('@ortholedger/read-models').ReadModelKeys;
  let queries: import('@ortholedger/read-models').PatientDirectoryQueries;
  let decrypts: jest.SpyInstance;
  let events = 0;

  beforeAll(async () => {
    f = await projectionFixture();
    ({ patients, events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 120, casesPerPatient: 0, seed: 9 }), { mode: 'batched', concurrency: 4 }));
    await waitForVisible(f.fx, events);
    // Indexes cut to 2 bits: about 30 of 120 rows share each chart-number index value.
    const { BLIND_INDEX_ROOT, READ_MODEL_ROOT, RootKey, FieldCipher } = await import('@ortholedger/crypto');
    const { PatientDirectoryQueries, ReadModelKeys, createProjections } = await import('@ortholedger/read-models');
    const deps = { pool: f.db.pools.app, provider: f.fx.provider };
    narrow = ReadModelKeys.fromRoots(await RootKey.load(deps, READ_MODEL_ROOT), await RootKey.load(deps, BLIND_INDEX_ROOT), { expectedPatients: 8 });
    await f.catchUp({ projections: createProjections(narrow) });
    queries = new PatientDirectoryQueries(f.db.pools.app, narrow);
    decrypts = jest.spyOn(FieldCipher.prototype, 'decrypt');
  }, 120_000);
  afterAll(async () => {
    decrypts.mockRestore();
    narrow.close();
    await f.close();
  });

  // The tests below alter tags bucket by bucket; each takes a patient from a bucket no earlier test
  // touched (the last patient is corrected through the projector and left out).
  const touched = new Set<string>();
  const fromFreshBucket = () => {
    const p = patients.slice(0, -1).find((q) => !touched.has(narrow.directoryIndexes.chartNumber.computeHex(q.chartNumber)))!;
    touched.add(narrow.directoryIndexes.chartNumber.computeHex(p.chartNumber));
    return p;
  };
  const bucketOf = async (p: { chartNumber: string }) =>
    (await f.db.pools.app.query('select count(*)::int as n from read_models.patient_directory where chart_number_bidx = $1', [narrow.directoryIndexes.chartNumber.computeHex(p.chartNumber)])).rows[0].n as number;
  const lookupCountingDecrypts = async (field: 'chartNumber' | 'dateOfBirth', value: string) => {
    decrypts.mockClear();
    const found = await queries.lookup(field, value);
    return { ids: found.map((r) => r.patientId).sort(), decrypts: decrypts.mock.calls.length };
  };

  it('each row stores 8-byte tags: the keyed tag of its own id and value, different for equal values in other rows', async () => {
    const { rows } = await f.db.pools.owner.query('select patient_id, chart_number_tag, email_tag, phone_tag, dob_tag from read_models.patient_directory');
    expect(rows).toHaveLength(120);
    const byId = new Map(rows.map((r) => [r.patient_id as string, r]));
    for (const p of patients) {
      const row = byId.get(p.patientId)!;
      const tags = narrow.directoryTags;
      const ix = narrow.directoryIndexes;
      expect(row.chart_number_tag).toEqual(tags.chartNumber.compute(p.patientId, ix.chartNumber.definition.normalise(p.chartNumber)));
      expect(row.email_tag).toEqual(tags.email.compute(p.patientId, ix.email.definition.normalise(p.email)));
      expect(row.phone_tag).toEqual(tags.phone.compute(p.patientId, ix.phone.definition.normalise(p.phone)));
      expect(row.dob_tag).toEqual(tags.dateOfBirth.compute(p.patientId, ix.dateOfBirth.definition.normalise(p.dateOfBirth)));
    }
    // Shared birthdays exist in this clinic, yet no two rows share a tag: tags link nothing.
    expect(new Set(patients.map((p) => p.dateOfBirth)).size).toBeLessThan(120);
    for (const column of ['chart_number_tag', 'email_tag', 'phone_tag', 'dob_tag']) {
      expect(new Set(rows.map((r) => (r[column] as Buffer).toString('hex'))).size).toBe(120);
    }
  });

  it('the projector keeps tags with the values: a correction re-tags (an untagged row too), a care-team change keeps them', async () => {
    const p = patients[patients.length - 1];
    const { createProjections } = await import('@ortholedger/read-models');
    const project = async (type: string, data: Record<string, unknown>) => {
      await f.fx.store.appendToStream(`patient-${p.patientId}`, [domainEvent(type, p.patientId, { patientId: p.patientId, ...data })]);
      // Catch up only once the event is visible to readers (the store hides commits behind older open transactions).
      await waitForVisible(f.fx, ++events);
      await f.catchUp({ projections: createProjections(narrow) });
    };
    const tagsOf = async () =>
      (await f.db.pools.owner.query('select chart_number_tag, email_tag, phone_tag, dob_tag from read_models.patient_directory where patient_id = $1', [p.patientId])).rows[0];
    // A row as the previous release wrote it: no tags. A care-team change leaves the demographics, and so the tags, alone.
    await f.db.pools.owner.query('update read_models.patient_directory set chart_number_tag = null, email_tag = null, phone_tag = null, dob_tag = null where patient_id = $1', [p.patientId]);
    await project('CareTeamMemberAssigned', { userId: randomUUID(), role: 'dentist' });
    expect(await tagsOf()).toEqual({ chart_number_tag: null, email_tag: null, phone_tag: null, dob_tag: null });
    // Untagged, it is decrypted and found; its tagged coincidences are still ruled out.
    expect(await lookupCountingDecrypts('chartNumber', p.chartNumber)).toEqual({ ids: [p.patientId], decrypts: 1 });

    // A correction: the tags follow the new, normalised values (the email in mixed case is stored folded).
    await project('PatientDemographicsCorrected', { corrections: { chartNumber: 'CH-TAG-0001', contact: { email: 'Maria.Tagged@Example.COM', phone: '+41 79 555 01 01' } }, reason: 'typo' });
    const tags = narrow.directoryTags;
    expect(await tagsOf()).toEqual({
      chart_number_tag: tags.chartNumber.compute(p.patientId, 'ch-tag-0001'.replace(/-/g, '')),
      email_tag: tags.email.compute(p.patientId, 'maria.tagged@example.com'),
      phone_tag: tags.phone.compute(p.patientId, narrow.directoryIndexes.phone.definition.normalise('+41 79 555 01 01')),
      dob_tag: tags.dateOfBirth.compute(p.patientId, p.dateOfBirth),
    });
    expect(await lookupCountingDecrypts('chartNumber', 'ch tag 0001')).toEqual({ ids: [p.patientId], decrypts: 1 });
    decrypts.mockClear();
    expect((await queries.lookup('email', 'maria.tagged@example.com')).map((r) => r.patientId)).toEqual([p.patientId]);
    expect(decrypts.mock.calls.length).toBe(1);
    expect((await queries.lookup('chartNumber', p.chartNumber)).map((r) => r.patientId)).toEqual([]);

    // A later care-team change keeps them byte for byte.
    const before = await tagsOf();
    await project('CareTeamMemberAssigned', { userId: randomUUID(), role: 'orthodontist' });
    expect(await tagsOf()).toEqual(before);
  });

  it('refuses to tag a patient id in another form than Postgres returns (it would hide the row from lookups)', async () => {
    const { indexFields } = await import('@ortholedger/read-models');
    const row = (patientId: string) => ({
      patientId, clinicId: randomUUID(), careTeam: [], status: 'active' as const, registeredAt: '2024-01-02T08:00:00.000Z', updatedAt: '2024-01-02T08:00:00.000Z',
      position: { commit: 1n, prepare: 1n }, demographics: { plain: { name: { given: 'A', family: 'B' }, dateOfBirth: '2011-02-03', contact: {}, chartNumber: 'CH-1' } },
      bidx: { chart: '', email: null, phone: null, dob: '' }, tags: { chart: null, email: null, phone: null, dob: null },
    });
    const id = randomUUID();
    for (const other of [id.toUpperCase(), id.replace(/-/g, ''), `{${id}}`]) expect(() => indexFields(narrow, row(other))).toThrow('canonical');
    const ok = row(id);
    indexFields(narrow, ok);
    expect(ok.tags.chart).toEqual(narrow.directoryTags.chartNumber.compute(id, 'ch1'));
  });

  it('a lookup decrypts only the real match, not the coincidences its blind index returns', async () => {
    for (const p of patients.slice(0, 15)) {
      const candidates = await bucketOf(p);
      expect(candidates).toBeGreaterThan(5);
      expect(await lookupCountingDecrypts('chartNumber', p.chartNumber.toLowerCase())).toEqual({ ids: [p.patientId], decrypts: 1 });
    }
    const p = patients[0];
    const sameBirthday = patients.filter((q) => q.dateOfBirth === p.dateOfBirth).map((q) => q.patientId).sort();
    expect(await lookupCountingDecrypts('dateOfBirth', p.dateOfBirth)).toEqual({ ids: sameBirthday, decrypts: sameBirthday.length });
    expect(await lookupCountingDecrypts('chartNumber', 'CH-NOT-THERE')).toEqual({ ids: [], decrypts: 0 });
  });

  it('tags moved between rows fit nothing, and a tag that fits still has to pass decryption and comparison', async () => {
    const p = fromFreshBucket();
    const index = narrow.directoryIndexes.chartNumber;
    const bidx = index.computeHex(p.chartNumber);
    // The real row's tag copied onto its coincidences: the row id is in the tag, so none of them fits.
    await f.db.pools.owner.query(
      `update read_models.patient_directory set chart_number_tag = (select chart_number_tag from read_models.patient_directory where patient_id = $1)
        where chart_number_bidx = $2`,
      [p.patientId, bidx],
    );
    expect(await lookupCountingDecrypts('chartNumber', p.chartNumber)).toEqual({ ids: [p.patientId], decrypts: 1 });
    // Tags forged with the key for the looked-up value: every candidate is decrypted, and the
    // comparison with its own decrypted chart number still lets only the real row through.
    const { rows } = await f.db.pools.owner.query('select patient_id from read_models.patient_directory where chart_number_bidx = $1', [bidx]);
    for (const { patient_id: id } of rows) {
      await f.db.pools.owner.query('update read_models.patient_directory set chart_number_tag = $2 where patient_id = $1', [
        id, narrow.directoryTags.chartNumber.compute(id, index.definition.normalise(p.chartNumber)),
      ]);
    }
    expect(await lookupCountingDecrypts('chartNumber', p.chartNumber)).toEqual({ ids: [p.patientId], decrypts: rows.length });
  });

  it('rows written before tags existed (null) are decrypted and compared, and still found', async () => {
    const p = fromFreshBucket();
    await f.db.pools.owner.query('update read_models.patient_directory set chart_number_tag = null where chart_number_bidx = $1', [narrow.directoryIndexes.chartNumber.computeHex(p.chartNumber)]);
    expect(await lookupCountingDecrypts('chartNumber', p.chartNumber)).toEqual({ ids: [p.patientId], decrypts: await bucketOf(p) });
  });

  it('an altered tag hides its row from lookups (as an altered blind index does) and never returns another row', async () => {
    const p = fromFreshBucket();
    await f.db.pools.owner.query("update read_models.patient_directory set chart_number_tag = '\\x0000000000000000' where patient_id = $1", [p.patientId]);
    expect(await lookupCountingDecrypts('chartNumber', p.chartNumber)).toEqual({ ids: [], decrypts: 0 });
  });
});

describe('migration 0410 on a directory from before confirmation tags', () => {
  it('adds the four tag columns (empty) to the live table, and clears a tag whose blind index an older runner changed', async () => {
    const { createTestDatabase } = await import('../support/test-database');
    const { migrateToLatest } = await import('@ortholedger/platform');
    const db = await createTestDatabase();
    try {
      const columns = async () =>
        (await db.pools.owner.query(
          `select column_name, is_nullable from information_schema.columns
            where table_schema = 'read_models' and table_name = 'patient_directory' and column_name like '%\\_tag' order by 1`,
        )).rows;
      const expected = ['chart_number_tag', 'dob_tag', 'email_tag', 'phone_tag'].map((column_name) => ({ column_name, is_nullable: 'YES' }));
      expect(await columns()).toEqual(expected);
      // The table as version 1 of the projection created it, and 0410 not yet applied.
      await db.pools.owner.query('alter table read_models.patient_directory drop column chart_number_tag, drop column email_tag, drop column phone_tag, drop column dob_tag');
      await db.pools.owner.query("delete from kysely_migration where name = '0410_directory_confirmation_tags'");
      expect(await columns()).toEqual([]);
      await migrateToLatest(db.pools.owner);
      expect(await columns()).toEqual(expected);

      // A runner of the previous release updates the blind index of a corrected patient, not its tag:
      // the trigger clears that tag (the row is then decrypted and compared) and leaves the rest.
      const id = randomUUID();
      const tag = (b: number) => Buffer.alloc(8, b);
      await db.pools.owner.query(
        `insert into read_models.patient_directory (patient_id, clinic_id, status, registered_at, updated_at, pos_commit, pos_prepare, demographics,
           chart_number_bidx, email_bidx, phone_bidx, dob_bidx, chart_number_tag, email_tag, phone_tag, dob_tag)
         values ($1, $2, 'active', now(), now(), 1, 1, '\\x00', 'aa', 'bb', 'cc', 'dd', $3, $4, $5, $6)`,
        [id, randomUUID(), tag(1), tag(2), tag(3), tag(4)],
      );
      const row = async () => (await db.pools.owner.query('select chart_number_tag c, email_tag e, phone_tag p, dob_tag d from read_models.patient_directory where patient_id = $1', [id])).rows[0];
      await db.pools.owner.query("update read_models.patient_directory set chart_number_bidx = 'a0', care_team = $2 where patient_id = $1", [id, [randomUUID()]]);
      expect(await row()).toEqual({ c: null, e: tag(2), p: tag(3), d: tag(4) });
      // This release writes index and tag together: both change, the new tag stays.
      await db.pools.owner.query("update read_models.patient_directory set email_bidx = 'b0', email_tag = $2 where patient_id = $1", [id, tag(9)]);
      expect(await row()).toEqual({ c: null, e: tag(9), p: tag(3), d: tag(4) });
      await db.pools.owner.query('update read_models.patient_directory set phone_bidx = null, dob_bidx = $2 where patient_id = $1', [id, 'd0']);
      expect(await row()).toEqual({ c: null, e: tag(9), p: null, d: null });
    } finally {
      await db.drop();
    }
  }, 60_000);
});

describe('transfers in the read models', () => {
  let f: ProjectionFixture;
  const visibleAndApplied = async () => {
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    await f.catchUp();
  };

  beforeAll(async () => {
    f = await projectionFixture();
  }, 60_000);
  afterAll(() => f.close());

  it('goes to the patient\'s new clinic on the board (transfer and opening in one batch or in two), as a rebuild has it', async () => {
    const [clinicA, clinicB] = [randomUUID(), randomUUID()];
    const ortho = randomUUID();
    const opened = (caseId: string, patientId: string) =>
      domainEvent('CaseOpened', patientId, { caseId, patientId, entryId: randomUUID(), clinicId: clinicA, treatingOrthodontistId: ortho, arches: 'both', chiefComplaint: 'crowding' });
    const transferred = (patientId: string) => domainEvent('PatientTransferred', patientId, { patientId, fromClinicId: clinicA, toClinicId: clinicB, reason: 'moved' });
    const [p1, p2] = [randomUUID(), randomUUID()];
    const [before1, after1, after2] = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, p] of [p1, p2].entries()) {
      await f.fx.store.appendToStream(`patient-${p}`, [registered(p, clinicA, i), domainEvent('CareTeamMemberAssigned', p, { patientId: p, userId: ortho, role: 'orthodontist' })]);
    }
    await f.fx.store.appendToStream(`case-${before1}`, [opened(before1, p1)]);
    await visibleAndApplied();
    // Patient 1: the transfer in one batch, the late opening (naming the old clinic, which the command
    // checked just before the transfer) in the next. Patient 2: both in one batch.
    await f.fx.store.appendToStream(`patient-${p1}`, [transferred(p1)]);
    await visibleAndApplied();
    await f.fx.store.appendToStream(`case-${after1}`, [opened(after1, p1)]);
    await f.fx.store.appendToStream(`patient-${p2}`, [transferred(p2)]);
    await f.fx.store.appendToStream(`case-${after2}`, [opened(after2, p2)]);
    await visibleAndApplied();

    const board = async () => Object.fromEntries((await f.db.pools.owner.query('select case_id, clinic_id from read_models.case_board')).rows.map((r) => [r.case_id, r.clinic_id]));
    expect(await board()).toEqual({ [before1]: clinicB, [after1]: clinicB, [after2]: clinicB });
    expect((await compareWithLog(f)).board).toBe(0);
    const live = await f.digest();
    await rebuild({ db: f.owner, pool: f.db.pools.owner, source: f.source, projections: f.projections, restart: true });
    expect(await f.digest()).toBe(live);
    expect(await board()).toEqual({ [before1]: clinicB, [after1]: clinicB, [after2]: clinicB });
  }, 60_000);

  it('a transfer keeps who left the care team themselves, as the patient state does (the decider hands their decisions over)', async () => {
    const [clinicA, clinicB] = [randomUUID(), randomUUID()];
    const [p, leaver, stayer] = [randomUUID(), randomUUID(), randomUUID()];
    const events = [
      registered(p, clinicA, 7),
      domainEvent('CareTeamMemberAssigned', p, { patientId: p, userId: leaver, role: 'orthodontist' }),
      domainEvent('CareTeamMemberAssigned', p, { patientId: p, userId: stayer, role: 'dentist' }),
      domainEvent('CareTeamMemberRemoved', p, { patientId: p, userId: leaver, removedBy: leaver }),
      domainEvent('PatientTransferred', p, { patientId: p, fromClinicId: clinicA, toClinicId: clinicB, reason: 'moved' }),
    ];
    await f.fx.store.appendToStream(`patient-${p}`, events);
    await visibleAndApplied();
    const state = events.reduce(
      (s, e) => evolvePatient(s, { type: e.type, data: JSON.parse(Buffer.from(e.data).toString('utf8')) } as PatientEvent),
      initialPatientState(),
    );
    const departures = (await f.db.pools.owner.query('select user_id from read_models.care_team_departures where patient_id = $1', [p])).rows.map((r) => r.user_id);
    expect(state.status === 'unregistered' ? [] : state.leftTeam).toEqual([leaver]);
    expect(departures).toEqual([leaver]);
  }, 60_000);
});
