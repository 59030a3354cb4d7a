import { syntheticClinic, type SeededPatient } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { type Clinician, WorkflowHarness } from '../treatment-workflow/support/workflow-harness';
import { eventStoreOf, readModelsOf, waitForIndex, stopHarness } from './support/api';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/ortholedger.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('erasure: a crypto-shredded patient disappears from every read model', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let patients: SeededPatient[];
  let erased: SeededPatient;

  /** The engineer's CLI on the app's database and keyring. */
  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: h.db.url, DATA_DIR: `/tmp/ortholedger-test-${h.db.name}`, LOG_LEVEL: 'silent' } });

  const presence = async (patientId: string) => {
    const q = (sql: string) => h.db.pools.owner.query<{ n: number }>(sql, [patientId]).then((r) => r.rows[0].n);
    const search = await h.call(ortho, 'POST', '/patients/search', { name: erased.name.family, dateOfBirth: erased.dateOfBirth });
    return {
      search: search.body.results.filter((r: { patientId: string }) => r.patientId === patientId).length,
      index: readModelsOf(h).search.search({ chartNumber: erased.chartNumber }, [{}]).hits.filter((x) => x.patientId === patientId).length,
      directory: await q('select count(*)::int as n from read_models.patient_directory where patient_id = $1'),
      careTeam: await q('select count(*)::int as n from read_models.care_team where patient_id = $1'),
      board: await q('select count(*)::int as n from read_models.case_board where patient_id = $1'),
      timeline: await q('select count(*)::int as n from read_models.case_timeline where patient_id = $1'),
    };
  };
  const others = () => h.db.pools.owner.query<{ n: number }>('select count(*)::int as n from read_models.patient_directory').then((r) => r.rows[0].n);

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('A');
    ortho = await h.user('orthodontist', clinic);
    const staff = [{ clinicId: clinic, orthodontists: [ortho.id], dentists: [ortho.id], staff: [ortho.id] }];
    ({ patients } = await writeClinic(eventStoreOf(h), syntheticClinic({ patients: 40, casesPerPatient: 2, clinics: staff, seed: 5 }), { mode: 'commands', concurrency: 4 }));
    await waitForIndex(h, 40);
    erased = patients[7];
  }, 180_000);
  afterAll(() => stopHarness(h));

  it('present everywhere before; gone from search, directory, care team, board and timeline after `keys erase-subject`, live and after a full rebuild', async () => {
    const before = await presence(erased.patientId);
    expect(before).toMatchObject({ search: 1, index: 1, directory: 1, careTeam: expect.any(Number), board: 2 });
    expect(before.timeline).toBeGreaterThanOrEqual(2);

    // A case id is not a subject: refused with a non-zero exit, no erasure recorded, an error row in the audit log.
    const caseId = (await h.db.pools.owner.query<{ case_id: string }>('select case_id from read_models.case_board where patient_id = $1 limit 1', [erased.patientId])).rows[0].case_id;
    const wrongId = await cli('keys', 'erase-subject', caseId, '--reason', 'gdpr_art17:TEST-1').then(() => undefined, (e: { code?: number; stderr?: string }) => e);
    expect(wrongId?.code).not.toBe(0);
    expect(wrongId?.stderr).toContain('no data keys are filed under this subject');
    expect((await h.db.pools.owner.query('select count(*)::int as n from keyvault.erasures where subject_id = $1', [caseId])).rows[0].n).toBe(0);

    const { stdout } = await cli('keys', 'erase-subject', erased.patientId, '--reason', 'gdpr_art17:TEST-1', '--json');
    expect(JSON.parse(stdout)).toMatchObject({ subjectId: erased.patientId, streams: 3 });
    const audited = await h.db.pools.owner.query("select resource_id, outcome, reason, realm from access.audit_events where action = 'keys.erase_subject' order by seq");
    expect(audited.rows).toEqual([
      { resource_id: caseId, outcome: 'granted', reason: 'gdpr_art17:TEST-1', realm: 'cli' },
      { resource_id: caseId, outcome: 'error', reason: 'CRYPTO.INVALID_INPUT', realm: 'cli' },
      { resource_id: erased.patientId, outcome: 'granted', reason: 'gdpr_art17:TEST-1', realm: 'cli' },
    ]);

    const gone = { search: 0, index: 0, directory: 0, careTeam: 0, board: 0, timeline: 0 };
    const started = Date.now();
    let now = await presence(erased.patientId);
    while (JSON.stringify(now) !== JSON.stringify(gone) && Date.now() - started < 10_000) {
      await sleep(50);
      now = await presence(erased.patientId);
    }
    console.log(`erasure: gone from every read model and the search index ${Date.now() - started} ms after keys erase-subject`);
    expect(now).toEqual(gone);
    expect(await others()).toBe(39);

    const rebuilt = await cli('projections', 'rebuild', '--all', '--json');
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ swapped: true });
    await sleep(300); // the swap's NOTIFY reloads the search index
    expect(await presence(erased.patientId)).toEqual(gone);
    expect(await others()).toBe(39);
    const someoneElse = patients[8];
    const found = await h.call(ortho, 'POST', '/patients/search', { chartNumber: someoneElse.chartNumber });
    expect(found.body.results.map((r: { patientId: string }) => r.patientId)).toEqual([someoneElse.patientId]);
  }, 240_000);
});
