import { randomUUID } from 'node:crypto';
import { cliEnvFor, runCli } from '../support/cli-bin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';


describe('ortholedger seed', () => {
  let db: TestDatabase;
  const cli = (...args: string[]) => runCli(cliEnvFor(db), ...args);
  const events = async () => (await db.pools.owner.query<{ n: number }>('select count(*)::int as n from eventstore.events')).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it.each([
    ['--clinics', '0', '--clinics must be an integer from 1 to 10000'],
    ['--concurrency', '0', '--concurrency must be an integer from 1 to 64'],
  ])('%s %s is refused, not turned into 1', async (flag, value, message) => {
    const result = await cli('seed', '--patients', '2', flag, value);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await events()).toBe(0);
  });

  describe('--clinic-id --clinicians: an existing clinic and its active users, each in their own role', () => {
    let clinic: string;
    const users: Record<string, string> = {};
    const create = async (name: string, clinicId: string, role: string) => {
      const out = await cli('users', 'create', '--realm', 'clinic', '--role', role, '--clinic', clinicId, '--email', `${name}@seed.example.test`, '--json');
      users[name] = JSON.parse(out.stdout).user.id;
    };
    const seed = (...args: string[]) => cli('seed', '--patients', '20', '--cases-per-patient', '1', '--seed', '7', ...args);

    beforeAll(async () => {
      clinic = (await cli('users', 'add-clinic', '--name', 'Seed Clinic')).stdout.trim();
      const other = (await cli('users', 'add-clinic', '--name', 'Other Clinic')).stdout.trim();
      await create('ortho', clinic, 'orthodontist');
      await create('dentist', clinic, 'dentist');
      await create('staff', clinic, 'clinic_staff');
      await create('elsewhere', other, 'orthodontist');
      await create('gone', clinic, 'orthodontist');
      expect((await cli('users', 'disable', users.gone)).code).toBe(0);
    }, 60_000);

    it.each([
      ['a clinic that does not exist', () => [randomUUID(), users.ortho], 'the target clinic is not known'],
      ['a user of another clinic', () => [clinic, `${users.ortho},${users.elsewhere}`], 'is not an active orthodontist, dentist or clinic staff account of this clinic'],
      ['a disabled user', () => [clinic, `${users.ortho},${users.gone}`], 'is not an active orthodontist, dentist or clinic staff account of this clinic'],
      ['an id that is no user', () => [clinic, `${users.ortho},${randomUUID()}`], 'is not an active orthodontist, dentist or clinic staff account of this clinic'],
      ['no orthodontist', () => [clinic, `${users.dentist},${users.staff}`], '--clinicians must include an orthodontist'],
    ])('refuses %s and writes nothing', async (_case, ids, message) => {
      const [clinicId, clinicians] = ids();
      const result = await seed('--clinic-id', clinicId, '--clinicians', clinicians);
      expect([result.code, result.stderr.includes(message)]).toEqual([1, true]);
      expect(await events()).toBe(0);
    });

    it('refuses --clinicians without --clinic-id', async () => {
      const result = await seed('--clinicians', users.ortho);
      expect([result.code, result.stderr.includes('--clinicians needs --clinic-id')]).toEqual([1, true]);
      expect(await events()).toBe(0);
    });

    it('seeds with each clinician acting only in their own account role', async () => {
      const result = await seed('--clinic-id', clinic, '--clinicians', `${users.ortho},${users.dentist},${users.staff}`);
      expect(result.code).toBe(0);
      // Event metadata is stored in clear (bound to the ciphertext): who acted, in which role, for which clinic.
      const { rows } = await db.pools.owner.query<{ id: string; role: string }>(
        "select distinct metadata->>'actorId' as id, metadata->>'actorRole' as role from eventstore.events where metadata->>'clinicId' = $1 order by 2",
        [clinic],
      );
      expect(rows).toEqual([
        { id: users.staff, role: 'clinic_staff' },
        { id: users.ortho, role: 'orthodontist' },
      ]);
      // And in the care teams (the event data, read through the projections): the dentist as dentist, the orthodontist as orthodontist.
      expect((await cli('projections', 'run', '--until-caught-up')).code).toBe(0);
      const team = await db.pools.owner.query('select distinct user_id, role from read_models.care_team order by role');
      expect(team.rows).toEqual([
        { user_id: users.dentist, role: 'dentist' },
        { user_id: users.ortho, role: 'orthodontist' },
      ]);
    }, 60_000);
  });
});
