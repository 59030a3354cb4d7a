import { syntheticClinic, type ClinicStaff } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { type Clinician, WorkflowHarness } from '../treatment-workflow/support/workflow-harness';
import { digestTables, kyselyOver, rebuild } from '@ortholedger/read-models';
import { eventStoreOf, readModelsOf, stopHarness } from './support/api';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('case board and history pages through the clinic API', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let colleague: Clinician;
  let staff: Clinician;
  let outsider: Clinician;
  let boardRows: { case_id: string; patient_id: string; status: string; next_action: string; treating_orthodontist_id: string }[];

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('A');
    const other = await h.clinic('B');
    [ortho, colleague, staff, outsider] = await Promise.all([h.user('orthodontist', clinic), h.user('orthodontist', clinic), h.user('clinic_staff', clinic), h.user('orthodontist', other)]);
    const clinics: ClinicStaff[] = [{ clinicId: clinic, orthodontists: [ortho.id, colleague.id], dentists: [colleague.id], staff: [staff.id] }];
    await writeClinic(eventStoreOf(h), syntheticClinic({ patients: 60, casesPerPatient: 2, clinics, seed: 12 }), { mode: 'commands', concurrency: 4 });
    for (let i = 0; i < 100; i++) {
      const statuses = await readModelsOf(h).statuses();
      if (statuses.every((s) => s.eventsBehind === 0)) break;
      await sleep(100);
    }
    boardRows = (await h.db.pools.owner.query('select * from read_models.case_board')).rows;
  }, 180_000);
  afterAll(() => stopHarness(h));

  it('"my cases awaiting approval": only the caller\'s treating cases, by status and next action, paged with a cursor', async () => {
    const want = boardRows.filter((r) => r.treating_orthodontist_id === ortho.id && r.next_action === 'awaiting_approval').map((r) => r.case_id).sort();
    const got: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await h.call(ortho, 'GET', `/case-board?scope=mine&nextAction=awaiting_approval&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      got.push(...res.body.cases.map((c: { caseId: string }) => c.caseId));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(got.sort()).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  }, 30_000);

  it('a history page with an out-of-range or empty `after` is a 400, never a 500 or a silently shifted page', async () => {
    const row = boardRows.find((r) => r.treating_orthodontist_id === ortho.id)!;
    for (const after of ['1e21', '9007199254740993', '', '%20', '0x10', '1e2', '-2', '1.5', 'x']) {
      const res = await h.call(ortho, 'GET', `/case-board/${row.case_id}/timeline?after=${after}`);
      expect([after, res.status]).toEqual([after, 400]);
    }
    expect((await h.call(ortho, 'GET', `/case-board/${row.case_id}/timeline?after=-1`)).status).toBe(200);
  }, 30_000);

  it('a crafted cursor is a 400 with nothing read, never a 500; a real one is sealed and names no case', async () => {
    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const good = { u: '2026-01-02T03:04:05.678Z', id: '7d9f1c1e-4b6a-4c3e-9f0a-2b1c3d4e5f60' };
    const first = await h.call(ortho, 'GET', '/case-board?limit=3');
    const sealed: string = first.body.nextCursor;
    expect(typeof sealed).toBe('string');
    // Opaque: the last row's case id and time appear in no form.
    const last = first.body.cases[first.body.cases.length - 1];
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(last.caseId);
    expect(sealed).not.toContain(b64(last.caseId).slice(0, 12));
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[flipped.length - 20] ^= 1;
    const crafted = [
      // A well-formed cursor in the clear (the format before sealing) is no longer accepted.
      b64(good),
      'not-base64-json', b64('[1,2]'), b64('null'), b64({ ...good, u: '1' }), b64({ ...good, u: '2026-13-40T00:00:00.000Z' }),
      b64({ ...good, u: "2026-01-02T03:04:05.678Z'::timestamptz" }), b64({ ...good, id: '-'.repeat(36) }),
      b64({ ...good, id: '7d9f1c1e-4b6a-4c3e-9f0a-2b1c3d4e5f6g' }), b64({ u: good.u }), b64({ ...good, u: 20260102 }),
      flipped.toString('base64url'), sealed.slice(0, -4),
    ];
    for (const cursor of crafted) {
      const res = await h.call(ortho, 'GET', `/case-board?limit=3&cursor=${encodeURIComponent(cursor)}`);
      expect({ cursor, status: res.status, code: res.body.code }).toEqual({ cursor, status: 400, code: 'QUERY.INVALID_CURSOR' });
    }
    const next = await h.call(ortho, 'GET', `/case-board?limit=3&cursor=${sealed}`);
    expect(next.status).toBe(200);
    expect(next.body.cases.map((c: { caseId: string }) => c.caseId)).not.toContain(last.caseId);
  });

  it('orthodontists see their care-team patients\' cases with the clinical summary; staff see the clinic\'s workflow without it; other clinics nothing', async () => {
    const mine = await h.call(ortho, 'GET', '/case-board?limit=100');
    expect(mine.status).toBe(200);
    expect(mine.body.cases.length).toBeGreaterThan(0);
    expect(mine.body.cases.every((c: { summary?: unknown }) => c.summary !== undefined)).toBe(true);
    const clinic = await h.call(staff, 'GET', '/case-board?limit=100&status=PlanProposed');
    expect(clinic.body.cases.map((c: { caseId: string }) => c.caseId).sort()).toEqual(boardRows.filter((r) => r.status === 'PlanProposed').map((r) => r.case_id).sort().slice(0, 100));
    expect(clinic.body.cases.every((c: { summary?: unknown }) => c.summary === undefined)).toBe(true);
    const outside = await h.call(outsider, 'GET', '/case-board?limit=100');
    expect(outside.body.cases).toEqual([]);
  }, 30_000);

  it('an orthodontist\'s clinic list holds exactly the cases of their care-team patients, over every page (a same-clinic colleague\'s other patients never)', async () => {
    const all = async (who: typeof ortho) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const res = await h.call(who, 'GET', `/case-board?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.cases.map((c: { caseId: string }) => c.caseId));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return ids.sort();
    };
    for (const who of [ortho, colleague]) {
      const { rows: team } = await h.db.pools.owner.query<{ patient_id: string }>('select patient_id from read_models.care_team where user_id = $1', [who.id]);
      const patients = new Set(team.map((t) => t.patient_id));
      const want = boardRows.filter((r) => patients.has(r.patient_id)).map((r) => r.case_id).sort();
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(boardRows.length); // the colleague's own patients exist: the scope has something to leave out
      expect(await all(who)).toEqual(want);
    }
  }, 60_000);

  it('case card and history pages: in order, paged, with actors; 403 for another clinic; summary only for clinical readers', async () => {
    const row = boardRows.find((r) => r.treating_orthodontist_id === ortho.id && r.status !== 'Open')!;
    const card = await h.call(ortho, 'GET', `/case-board/${row.case_id}`);
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ caseId: row.case_id, patientId: row.patient_id, status: row.status, nextAction: row.next_action });
    expect(card.body.summary.arches).toBe('both');
    const staffCard = await h.call(staff, 'GET', `/case-board/${row.case_id}`);
    expect(staffCard.status).toBe(200);
    expect(staffCard.body.summary).toBeUndefined();
    expect((await h.call(outsider, 'GET', `/case-board/${row.case_id}`)).status).toBe(403);
    expect((await h.call(outsider, 'GET', `/case-board/${row.case_id}/timeline`)).status).toBe(403);

    const entries: { revision: string; type: string; actor: { id: string } }[] = [];
    let after: number | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await h.call(ortho, 'GET', `/case-board/${row.case_id}/timeline?limit=2${after !== undefined ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      entries.push(...res.body.entries);
      after = res.body.nextAfter;
      if (after === undefined) break;
    }
    const events = await eventStoreOf(h).readStream(`case-${row.case_id}`);
    expect(entries.map((e) => [Number(e.revision), e.type, e.actor.id])).toEqual(events.map((e) => [Number(e.revision), e.type, e.metadata.actorId]));
    expect(entries[0].type).toBe('CaseOpened');
  }, 30_000);

  it('every board read is audited as a case read, and a list also names each patient on its page', async () => {
    const before = (await h.auditRows("action = 'case.read'")).length;
    const list = await h.call(ortho, 'GET', '/case-board?limit=5');
    expect(list.status).toBe(200);
    await h.call(ortho, 'GET', `/case-board/${boardRows[0].case_id}`);
    const rows = (await h.auditRows("action = 'case.read'")).slice(before);
    expect(rows.filter((r) => r.reason !== 'in_results')).toHaveLength(2);
    const listed = [...new Set(list.body.cases.map((c: { patientId: string }) => c.patientId))].sort();
    expect(listed.length).toBeGreaterThan(0);
    const named = rows.filter((r) => r.reason === 'in_results');
    expect(named.map((r) => r.patient_id).sort()).toEqual(listed);
    for (const r of named) expect(r).toMatchObject({ actor_id: ortho.id, purpose: 'work_queue', correlation_id: rows[0].correlation_id });
  }, 30_000);

  it('a list that carries clinical summaries audits each of those cases as a clinical read; a list without them audits none', async () => {
    const clinicalRows = async (correlationId: string) => h.auditRows("action = 'case.read_clinical' and correlation_id = $1", [correlationId]);
    const list = await h.call(ortho, 'GET', '/case-board?limit=5');
    expect(list.status).toBe(200);
    const shown = list.body.cases.filter((c: { summary?: unknown }) => c.summary !== undefined) as { caseId: string; patientId: string }[];
    expect(shown.length).toBeGreaterThan(0);
    const rows = await clinicalRows(list.headers['x-correlation-id'] as string);
    expect(rows.map((r) => [r.resource_id, r.patient_id]).sort()).toEqual(shown.map((c) => [c.caseId, c.patientId]).sort());
    for (const r of rows) expect(r).toMatchObject({ actor_id: ortho.id, outcome: 'granted', reason: 'in_results', resource_type: 'case', purpose: 'work_queue' });
    const staffList = await h.call(staff, 'GET', '/case-board?limit=5');
    expect(staffList.status).toBe(200);
    expect(staffList.body.cases.length).toBeGreaterThan(0);
    expect(await clinicalRows(staffList.headers['x-correlation-id'] as string)).toEqual([]);
  }, 30_000);

  it('a case card also audits whether its clinical summary was disclosed or withheld', async () => {
    const row = boardRows.find((r) => r.treating_orthodontist_id === ortho.id)!;
    const disclosure = async (who: typeof ortho) => {
      const before = (await h.auditRows("action = 'case.read_clinical' and actor_id = $1", [who.id])).length;
      expect((await h.call(who, 'GET', `/case-board/${row.case_id}`)).status).toBe(200);
      const rows = (await h.auditRows("action = 'case.read_clinical' and actor_id = $1", [who.id])).slice(before);
      expect(rows).toHaveLength(1);
      return rows[0];
    };
    expect(await disclosure(ortho)).toMatchObject({ outcome: 'granted', resource_id: row.case_id });
    expect(await disclosure(staff)).toMatchObject({ outcome: 'denied', resource_id: row.case_id });
  }, 30_000);

  // Last: it moves a patient to clinic B.
  it('a transfer moves the patient\'s cases from the old clinic\'s work queue to the new one\'s, live and after a rebuild', async () => {
    const row = boardRows.find((r) => r.treating_orthodontist_id === ortho.id)!;
    const staffB = await h.user('clinic_staff', outsider.clinicId!);
    const queue = async (who: Clinician, status: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await h.call(who, 'GET', `/case-board?limit=100&status=${status}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.cases.map((c: { caseId: string }) => c.caseId));
        cursor = res.body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await queue(staff, row.status)).toContain(row.case_id);
    expect(await queue(staffB, row.status)).not.toContain(row.case_id);

    const moved = await h.call(ortho, 'POST', `/patients/${row.patient_id}/transfers`, { toClinicId: outsider.clinicId, reason: 'moved', careTeam: [{ userId: outsider.id, role: 'orthodontist' }] });
    expect(moved.status).toBe(200);
    const clinicOf = async () => (await h.db.pools.owner.query('select clinic_id from read_models.case_board where case_id = $1', [row.case_id])).rows[0].clinic_id;
    for (let i = 0; i < 100 && (await clinicOf()) !== outsider.clinicId; i++) await sleep(50);
    expect(await clinicOf()).toBe(outsider.clinicId);
    expect(await queue(staff, row.status)).not.toContain(row.case_id);
    expect(await queue(staffB, row.status)).toContain(row.case_id);

    const live = await digestTables(readModelsOf(h).db, readModelsOf(h).keys, ['case_board']);
    const rm = readModelsOf(h);
    const searchLoad = rm.search.lastLoad;
    await rebuild({ db: kyselyOver(h.db.pools.owner), pool: h.db.pools.owner, source: rm.source, projections: rm.projections.filter((p) => p.name === 'case_board'), restart: true });
    expect(await clinicOf()).toBe(outsider.clinicId);
    expect(await digestTables(readModelsOf(h).db, readModelsOf(h).keys, ['case_board'])).toEqual(live);
    // The swap's notice names case_board only: the patient search index is not reloaded for it.
    await sleep(300);
    expect(rm.search.lastLoad).toBe(searchLoad);
  }, 60_000);
});
