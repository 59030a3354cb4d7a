import { randomUUID } from 'node:crypto';
import type { CaseCommand, CommandContext, PatientCommand } from '@ortholedger/domain';
import { writeStream } from '../../apps/cli/src/commands/seed/seed-writer';
import type { StreamPlan } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { cryptoFixture, type CryptoFixture } from '../../libs/crypto/src/testing/crypto-fixture';
import { runCli } from '../support/cli-bin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The built CLI, as an engineer runs it. */
const cli = runCli;

const clinicId = randomUUID();
const ortho = randomUUID();
const yearsAgo = (years: number) => new Date(Date.now() - years * 365.25 * 86_400_000).toISOString();
const ctx = (now: string): CommandContext => ({ actor: { userId: ortho, role: 'orthodontist', clinicId }, now });

function patientPlan(patientId: string, at: string): StreamPlan {
  const commands: PatientCommand[] = [
    {
      type: 'RegisterPatient',
      data: {
        patientId, clinicId, name: { given: 'Ada', family: 'Lovelace' }, dateOfBirth: '1990-12-10', chartNumber: `CH-${patientId.slice(0, 8)}`,
        contact: { email: `${patientId.slice(0, 8)}@mail.example`, phone: '+41 79 000 00 00', address: { lines: ['1 Rue des Aligneurs'], city: 'Geneva', country: 'CH' } },
      },
    },
    { type: 'AssignCareTeamMember', data: { patientId, userId: ortho, role: 'orthodontist' } },
    { type: 'RecordConsent', data: { patientId, consentType: 'treatment', formVersion: 'TX-2024.2', status: 'granted', givenBy: 'patient', recordedAt: at } },
  ];
  return { aggregate: 'patient', id: patientId, subjectId: patientId, steps: [{ ctx: ctx(at), commands }] };
}

/** A case opened at `openedAt` and cancelled at `closedAt` (left open without it). */
function casePlan(patientId: string, openedAt: string, closedAt?: string): StreamPlan {
  const caseId = randomUUID();
  const cmd = (type: string, data: object) => ({ type, data: { caseId, entryId: randomUUID(), patientConsent: { treatment: true }, ...data } }) as unknown as CaseCommand;
  const open = cmd('OpenCase', { patientId, clinicId, treatingOrthodontistId: ortho, arches: 'both', chiefComplaint: 'crowding' });
  const steps = [{ ctx: ctx(openedAt), commands: [open] }];
  if (closedAt) steps.push({ ctx: ctx(closedAt), commands: [cmd('CancelCase', { reason: 'treatment_finished_elsewhere' })] });
  return { aggregate: 'treatment_case', id: caseId, subjectId: patientId, steps };
}

describe('ortholedger retention', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  let env: NodeJS.ProcessEnv;
  // Closed 20 and 15 years ago (due under a 10-year period), one case still open, one closed a year ago, one never treated.
  const [closedLongAgo, closedLater, withOpenCase, closedRecently, withoutCases, lagging] = Array.from({ length: 6 }, () => randomUUID());

  const count = (sql: string, ...values: unknown[]) => db.pools.owner.query<{ n: number }>(sql, values).then((r) => r.rows[0].n);
  const erasures = () => count('select count(*)::int as n from keyvault.erasures');
  const auditRows = async (like: string) =>
    (await db.pools.owner.query<{ action: string; outcome: string; resource_id: string | null; reason: string | null; params: object | null; realm: string }>(
      'select action, outcome, resource_id, reason, params, realm from access.audit_events where action like $1 order by seq',
      [like],
    )).rows;
  const presence = async (patientId: string) => ({
    directory: await count('select count(*)::int as n from read_models.patient_directory where patient_id = $1', patientId),
    careTeam: await count('select count(*)::int as n from read_models.care_team where patient_id = $1', patientId),
    board: await count('select count(*)::int as n from read_models.case_board where patient_id = $1', patientId),
    timeline: await count('select count(*)::int as n from read_models.case_timeline where patient_id = $1', patientId),
  });
  const catchUp = async () => expect((await cli(env, 'projections', 'run', '--until-caught-up')).code).toBe(0);

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    const write = (plan: StreamPlan) => writeStream(fx.store, plan, 'batched');
    for (const [id, cases] of [
      [closedLongAgo, [casePlan(closedLongAgo, yearsAgo(22), yearsAgo(21)), casePlan(closedLongAgo, yearsAgo(21), yearsAgo(20))]],
      [closedLater, [casePlan(closedLater, yearsAgo(16), yearsAgo(15))]],
      [withOpenCase, [casePlan(withOpenCase, yearsAgo(22), yearsAgo(21)), casePlan(withOpenCase, yearsAgo(20))]],
      [closedRecently, [casePlan(closedRecently, yearsAgo(22), yearsAgo(21)), casePlan(closedRecently, yearsAgo(3), yearsAgo(1))]],
      [withoutCases, []],
      [lagging, [casePlan(lagging, yearsAgo(22), yearsAgo(21))]],
    ] as const) {
      await write(patientPlan(id, yearsAgo(23)));
      for (const plan of cases) await write(plan);
    }
    env = { DATABASE_URL: db.url, DATA_DIR: `/tmp/ortholedger-retention-${db.name}`, LOCAL_MASTER_KEY_FILE: fx.keyringFile, RETENTION_YEARS_AFTER_CLOSE: '10' };
    await catchUp();
    // A case opened today that the board has not projected yet: the log knows better than the board.
    await write(casePlan(lagging, new Date().toISOString()));
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('bad option values and a missing or bad period exit 1 with nothing recorded or erased', async () => {
    const refused: [NodeJS.ProcessEnv, string[], string][] = [
      [{}, ['run', '--limit', '0'], '--limit must be an integer from 1 to 100000'],
      [{}, ['run', '--limit', 'abc'], '--limit must be an integer'],
      [{}, ['run', '--limit', '2.5'], '--limit must be an integer'],
      [{ RETENTION_YEARS_AFTER_CLOSE: '' }, ['run'], 'RETENTION_YEARS_AFTER_CLOSE: is not set'],
      [{ RETENTION_YEARS_AFTER_CLOSE: '0' }, ['run'], 'RETENTION_YEARS_AFTER_CLOSE: must be an integer from 1 to 100'],
      [{ RETENTION_YEARS_AFTER_CLOSE: 'ten' }, ['report'], 'RETENTION_YEARS_AFTER_CLOSE: must be an integer'],
      [{ RETENTION_YEARS_AFTER_CLOSE: '1e1' }, ['run', '--dry-run'], 'RETENTION_YEARS_AFTER_CLOSE: must be an integer'],
    ];
    for (const [extra, args, message] of refused) {
      const result = await cli({ ...env, ...extra }, 'retention', ...args);
      expect([args.join(' '), result.code, result.stderr.includes(message)]).toEqual([args.join(' '), 1, true]);
    }
    expect(await auditRows('retention.%')).toEqual([]);
    expect(await erasures()).toBe(0);
  });

  it('report: the patients whose every case closed before the period lists them, oldest first, with counts of the rest; no PHI', async () => {
    const report = await cli(env, 'retention', 'report', '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      yearsAfterClose: 10,
      due: [closedLongAgo, closedLater],
      counts: { due: 2, openCase: 1, closedRecently: 1, notProjected: 1, withoutCases: 1 },
    });
    const human = await cli(env, 'retention', 'report');
    expect(human.stdout).toContain(`${closedLongAgo}\n${closedLater}\n`);
    expect(human.stdout).toContain('2 due; kept: 1 with an open case, 1 closed within the period, 1 not yet projected, 1 without cases');
    expect(report.stdout + human.stdout + human.stderr).not.toMatch(/Lovelace|1990-12-10|CH-/);
    expect(await auditRows('retention.%')).toEqual([
      { action: 'retention.report', outcome: 'granted', resource_id: null, reason: null, realm: 'cli', params: { yearsAfterClose: 10, due: 2, openCase: 1, closedRecently: 1, notProjected: 1, withoutCases: 1 } },
      expect.objectContaining({ action: 'retention.report' }),
    ]);
  });

  it('run --dry-run names who would be erased and erases nothing', async () => {
    const dry = await cli(env, 'retention', 'run', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, due: 2, selected: 2, wouldErase: [closedLongAgo, closedLater] });
    expect(await erasures()).toBe(0);
    await catchUp();
    expect(await presence(closedLongAgo)).toEqual({ directory: 1, careTeam: 1, board: 2, timeline: expect.any(Number) });
    expect((await auditRows('retention.run%')).map((r) => [r.action, r.params])).toEqual([
      ['retention.run', { yearsAfterClose: 10, due: 2, selected: 2, dryRun: true }],
    ]);
  });

  it('run --limit 1, then run: each due patient crypto-shredded with reason retention_expired, gone from the read models, one audit row each; the rest kept and the chain verifies', async () => {
    const first = await cli(env, 'retention', 'run', '--limit', '1', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ due: 2, selected: 1, erased: [closedLongAgo], skipped: [] });
    const second = await cli(env, 'retention', 'run');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`${closedLater}\nerased 1 of 1 due patients\n`);
    expect(second.stderr).toContain('retention run: 1/1 patients'); // plain progress lines when not on a terminal

    const records = await db.pools.owner.query('select subject_id::text, reason, streams from keyvault.erasures order by erased_at');
    expect(records.rows).toEqual([
      { subject_id: closedLongAgo, reason: 'retention_expired', streams: 3 },
      { subject_id: closedLater, reason: 'retention_expired', streams: 2 },
    ]);
    await catchUp(); // the projection worker sweeps the erasures, as after keys erase-subject
    const gone = { directory: 0, careTeam: 0, board: 0, timeline: 0 };
    expect(await presence(closedLongAgo)).toEqual(gone);
    expect(await presence(closedLater)).toEqual(gone);
    for (const kept of [withOpenCase, closedRecently, withoutCases, lagging]) expect((await presence(kept)).directory).toBe(1);

    const params = { yearsAfterClose: 10, dryRun: false };
    expect((await auditRows('retention.%')).filter((r) => r.action !== 'retention.report').slice(1)).toEqual([
      { action: 'retention.run', outcome: 'granted', resource_id: null, reason: 'retention_expired', realm: 'cli', params: { ...params, due: 2, selected: 1 } },
      { action: 'retention.erase_subject', outcome: 'granted', resource_id: closedLongAgo, reason: 'retention_expired', realm: 'cli', params: null },
      { action: 'retention.run_summary', outcome: 'granted', resource_id: null, reason: 'retention_expired', realm: 'cli', params: { ...params, due: 2, selected: 1, erased: 1, skipped: 0 } },
      { action: 'retention.run', outcome: 'granted', resource_id: null, reason: 'retention_expired', realm: 'cli', params: { ...params, due: 1, selected: 1 } },
      { action: 'retention.erase_subject', outcome: 'granted', resource_id: closedLater, reason: 'retention_expired', realm: 'cli', params: null },
      { action: 'retention.run_summary', outcome: 'granted', resource_id: null, reason: 'retention_expired', realm: 'cli', params: { ...params, due: 1, selected: 1, erased: 1, skipped: 0 } },
    ]);

    const again = await cli(env, 'retention', 'report', '--json');
    // Projected now, the lagging patient's new case counts as open: they stay.
    expect(JSON.parse(again.stdout)).toMatchObject({ due: [], counts: { due: 0, openCase: 2, closedRecently: 1, notProjected: 0, withoutCases: 1 } });

    const verify = await cli(env, 'audit', 'verify', '--json');
    expect([verify.code, JSON.parse(verify.stdout).ok]).toEqual([0, true]);
  });

  it('db purge-idempotency leaves one audit row with the count', async () => {
    const purged = await cli(env, 'db', 'purge-idempotency', '--older-than-hours', '1', '--json');
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ deleted: 0 });
    expect(await auditRows('db.%')).toEqual([
      { action: 'db.purge_idempotency', outcome: 'granted', resource_id: null, reason: null, realm: 'cli', params: { olderThanHours: 1, records: 0 } },
    ]);
    expect((await cli(env, 'db', 'purge-idempotency', '--older-than-hours', '0')).code).toBe(1);
    expect(await auditRows('db.%')).toHaveLength(1);
  });
});
