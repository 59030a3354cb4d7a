import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureRoleStatement, joinRoleStatement } from '@ortholedger/platform';

/**
 * The app role is cluster-wide, and a fresh server (the embedded Postgres of a first `npm test`)
 * has many suites migrate their databases at once: the role's creation must not fail for the
 * second one. Staged exactly: A creates the role and holds its transaction open, B finds no
 * committed role, tries to create it and waits on A's row; A commits and B must carry on.
 */
describe('0000_app_role when two databases are migrated at once on a fresh server', () => {
  const role = `ol_test_role_${randomBytes(4).toString('hex')}`;
  const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const b = new pg.Client({ connectionString: process.env.DATABASE_URL });
  // Outside any transaction, so each look at pg_stat_activity is fresh (a transaction keeps its snapshot).
  const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    await Promise.all([a.connect(), b.connect(), watcher.connect()]);
  });
  afterAll(async () => {
    await a.query(`drop role if exists ${role}`).catch(() => undefined);
    await Promise.all([a.end(), b.end(), watcher.end()]);
  });

  it('the second creator gets no error, and the role exists once', async () => {
    await a.query('begin');
    await a.query(ensureRoleStatement(role));
    const second = b.query(ensureRoleStatement(role));
    // B must be waiting on A's uncommitted pg_authid row before A commits, or nothing is staged.
    let staged = false;
    for (let i = 0; i < 250 && !staged; i++) {
      const { rows } = await watcher.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid = $1", [
        (b as unknown as { processID: number }).processID,
      ]);
      staged = rows[0].n > 0;
      if (!staged) await new Promise((r) => setTimeout(r, 20));
    }
    expect(staged).toBe(true);
    await a.query('commit');
    await expect(second).resolves.toBeDefined();
    const { rows } = await a.query('select count(*)::int as n from pg_roles where rolname = $1', [role]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses a role name that is not an identifier', () => {
    expect(() => ensureRoleStatement('app; drop table x')).toThrow('identifier');
  });
});

/**
 * 0000_app_role also makes the migrating user a member of the app role. An owner that may not
 * grant it (no superuser, no admin option) must carry on: that refusal is caught inside the
 * statement, because a failed statement would abort the migration's transaction. Any other
 * refusal (a circular membership) must still fail the migration.
 */
describe('0000_app_role joining the app role', () => {
  const suffix = randomBytes(4).toString('hex');
  const appRole = `ol_test_app_${suffix}`;
  const owner = `ol_test_owner_${suffix}`;
  const password = randomBytes(12).toString('hex');
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let asOwner: pg.Client;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(ensureRoleStatement(appRole));
    await admin.query(`create role ${owner} login createdb password '${password}'`);
    const url = new URL(process.env.DATABASE_URL!);
    url.username = owner;
    url.password = password;
    asOwner = new pg.Client({ connectionString: url.toString() });
    await asOwner.connect();
  });
  afterAll(async () => {
    await asOwner?.end();
    await admin.query(`drop role if exists ${owner}`).catch(() => undefined);
    await admin.query(`drop role if exists ${appRole}`).catch(() => undefined);
    await admin.end();
  });

  it('an owner that may not grant it carries on without the membership (a bare grant would have aborted the transaction)', async () => {
    const warnings: string[] = [];
    const onNotice = (notice: { severity?: string; message?: string }) => warnings.push(`${notice.severity}: ${notice.message}`);
    asOwner.on('notice', onNotice);
    await asOwner.query('begin');
    try {
      await asOwner.query(joinRoleStatement(appRole));
      const { rows } = await asOwner.query("select 1 as ok, pg_has_role(current_user, $1, 'member') as member", [appRole]);
      expect(rows).toEqual([{ ok: 1, member: false }]);
    } finally {
      await asOwner.query('rollback');
      asOwner.off('notice', onNotice);
    }
    expect(warnings).toEqual([expect.stringMatching(/^WARNING: the migrating user may not join role ol_test_app_.*APP_DATABASE_URL$/)]);
    // What the statement guards against: the refusal itself, which aborts the transaction around it.
    await asOwner.query('begin');
    try {
      await expect(asOwner.query(`grant ${appRole} to current_user`)).rejects.toMatchObject({ code: '42501' });
      await expect(asOwner.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    } finally {
      await asOwner.query('rollback');
    }
  });

  // DATABASE_URL's user is a superuser here (the machine's postgres, the embedded one's): it may grant any role.
  it('a user that may grant it (here the superuser) becomes a member', async () => {
    const members = async () =>
      (await admin.query(
        `select count(*)::int as n from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
          where r.rolname = $1 and u.rolname = current_user`,
        [appRole],
      )).rows[0].n as number;
    expect(await members()).toBe(0);
    await admin.query(joinRoleStatement(appRole));
    try {
      expect(await members()).toBe(1);
    } finally {
      await admin.query(`revoke ${appRole} from current_user`);
    }
  });

  it('a circular membership fails the migration instead of being skipped', async () => {
    // The role to join is already a member of the migrating user: joining would make the user a
    // member of itself through it, and the role would hold the user's rights. Postgres refuses
    // (invalid_grant_operation); the statement must not swallow that.
    const circular = `ol_test_circ_${suffix}`;
    await admin.query(ensureRoleStatement(circular));
    try {
      const { rows } = await admin.query('select current_user as name');
      await admin.query(`grant "${(rows[0].name as string).replace(/"/g, '""')}" to ${circular}`);
      await expect(admin.query(joinRoleStatement(circular))).rejects.toMatchObject({ code: '0LP01' });
    } finally {
      await admin.query(`drop role if exists ${circular}`);
    }
  });

  it('refuses a role name that is not an identifier', () => {
    expect(() => joinRoleStatement('app to x; --')).toThrow('identifier');
  });
});
