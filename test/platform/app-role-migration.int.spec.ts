import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureRoleStatement } from '@ortholedger/platform';

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
