import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { CliRuntime } from '../../apps/cli/src/cli-runtime.service';
import { AUDIT_COMMANDS } from '../../apps/cli/src/commands/audit/audit.command';
import { USERS_COMMANDS } from '../../apps/cli/src/commands/users/users.command';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type AuditRow, rowFromDb } from '@ortholedger/access';
import { GENESIS_HASH, unkeyedRowHash } from '../../libs/access/src/audit/audit-hash';

@Module({ providers: [CliRuntime, ...USERS_COMMANDS, ...AUDIT_COMMANDS] })
class AccessCliModule {}

/** The `users` and `audit` commands, run as `npx ortholedger ...` would, against a test database. */
describe('CLI: users and audit commands', () => {
  let db: TestDatabase;
  const env = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.DATA_DIR = `/tmp/ortholedger-test-${db.name}`;
  });
  afterAll(async () => {
    process.env = env;
    await db.drop();
  });

  async function cli(...args: string[]): Promise<{ out: string; code: number }> {
    const chunks: string[] = [];
    const write = process.stdout.write;
    const argv = process.argv;
    process.exitCode = 0;
    process.argv = ['node', 'ortholedger', ...args];
    process.stdout.write = ((chunk: string) => chunks.push(String(chunk)) > 0) as never;
    try {
      await CommandFactory.run(AccessCliModule, { cliName: 'ortholedger', logger: false, errorHandler: (e) => { throw e; } });
    } finally {
      process.stdout.write = write;
      process.argv = argv;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { out: chunks.join(''), code };
  }

  it('creates a clinic and a user, disables and resets them, and verifies the audit chain', async () => {
    const clinicId = (await cli('users', 'add-clinic', '--name', 'CLI Clinic')).out.trim();
    expect(clinicId).toMatch(/^[0-9a-f-]{36}$/);
    const created = JSON.parse((await cli('users', 'create', '--realm', 'clinic', '--role', 'dentist', '--clinic', clinicId, '--email', 'cli.dentist@example.test', '--json')).out);
    expect(created.user).toMatchObject({ realm: 'clinic', role: 'dentist', clinicId, passwordChangeRequired: true });
    expect(created.oneTimePassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect((await cli('users', 'reset-mfa', 'cli.dentist@example.test', '--realm', 'clinic')).out).toContain('reset-mfa: done');
    const disabled = JSON.parse((await cli('users', 'disable', created.user.id, '--json')).out);
    expect(disabled.disabled).toBe(true);

    const head = JSON.parse((await cli('audit', 'head', '--json')).out);
    expect(head.seq).toBe(4); // clinic, create, reset-mfa, disable: each audited with realm 'cli'
    const verify = await cli('audit', 'verify', '--json');
    expect(verify.code).toBe(0);
    const { rows } = await db.pools.owner.query('select realm, role, purpose from access.audit_events order by seq limit 1');
    expect(rows[0]).toMatchObject({ realm: 'cli', role: 'engineer', purpose: expect.stringMatching(/^cli:/) });
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, checked: 4 });

    const admin = await db.admin();
    await admin.query('alter table access.audit_events disable trigger user');
    await admin.query("update access.audit_events set reason = 'role:platform_admin' where seq = 2");
    await admin.query('alter table access.audit_events enable trigger user');
    await admin.end();
    const broken = await cli('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('FAILED at position 2: hash_mismatch');
  });

  it('after the upgrade to keyed links, rows from before verify only up to the anchored --legacy-until position', async () => {
    await db.drop();
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.DATA_DIR = `/tmp/ortholedger-test-${db.name}`;
    await cli('users', 'add-clinic', '--name', 'Legacy Clinic');
    await cli('users', 'add-clinic', '--name', 'Legacy Clinic 2');
    await cli('users', 'add-clinic', '--name', 'Legacy Clinic 3');
    // As the release before keyed links wrote them: plain SHA-256 links, and the head on the last one.
    const admin = await db.admin();
    const relink = async (seqs: number[], link: (row: AuditRow, prev: string) => string) => {
      const { rows } = await admin.query('select * from access.audit_events where seq = any($1) order by seq', [seqs]);
      const { rows: [before] } = await admin.query('select hash from access.audit_events where seq = $1', [seqs[0] - 1]);
      let prev: string = before?.hash ?? GENESIS_HASH;
      await admin.query('begin');
      await admin.query('alter table access.audit_events disable trigger user');
      await admin.query('alter table access.audit_head disable trigger user');
      for (const raw of rows) {
        const hash = link(rowFromDb(raw), prev);
        await admin.query('update access.audit_events set prev_hash = $2, hash = $3 where seq = $1', [raw.seq, prev, hash]);
        await admin.query('update access.audit_head set hash = $2 where seq = $1', [raw.seq, hash]);
        prev = hash;
      }
      await admin.query('alter table access.audit_events enable trigger user');
      await admin.query('alter table access.audit_head enable trigger user');
      await admin.query('commit');
    };
    try {
      await relink([1, 2, 3], unkeyedRowHash);
      const anchored = JSON.parse((await cli('audit', 'head', '--json')).out).seq;
      expect(anchored).toBe(3);
      await cli('users', 'add-clinic', '--name', 'After Upgrade'); // position 4, keyed, linked to the plain head
      const plain = await cli('audit', 'verify');
      expect(plain.code).toBe(1);
      expect(plain.out).toContain('FAILED at position 1: unkeyed_row');
      expect(plain.out).toContain('--legacy-until');
      expect(JSON.parse((await cli('audit', 'verify', '--legacy-until', '3', '--json')).out)).toMatchObject({ ok: true, checked: 4 });
      expect((await cli('audit', 'verify', '--legacy-until', '2')).out).toContain('FAILED at position 3: unkeyed_row');
      // Up to the anchor a keyed link is accepted too (old and new processes wrote side by side during a rolling upgrade).
      expect(JSON.parse((await cli('audit', 'verify', '--legacy-until', '4', '--json')).out)).toMatchObject({ ok: true, checked: 4 });
      // A bad position is refused by the real binary (exit 1, the option named).
      const bad = await promisify(execFile)(process.execPath, [path.resolve(__dirname, '../../bin/ortholedger.js'), 'audit', 'verify', '--legacy-until', '-1'], { env: { ...process.env, LOG_LEVEL: 'silent' } }).then(() => undefined, (e: { code?: number; stderr?: string }) => e);
      expect([bad?.code, bad?.stderr?.includes('--legacy-until must be a position')]).toEqual([1, true]);
      // A process of the older release still running writes a plain row after a keyed one: fine up to the anchor.
      await cli('users', 'add-clinic', '--name', 'During Upgrade');
      await relink([5], unkeyedRowHash);
      expect(JSON.parse((await cli('audit', 'verify', '--legacy-until', '5', '--json')).out)).toMatchObject({ ok: true, checked: 5 });
      expect((await cli('audit', 'verify', '--legacy-until', '4')).out).toContain('FAILED at position 5: unkeyed_row');
      // A row after the anchor forged with a plain link is found, whatever the flag says about the old ones.
      await cli('users', 'add-clinic', '--name', 'After Upgrade 2');
      await relink([6], unkeyedRowHash);
      const forged = await cli('audit', 'verify', '--legacy-until', '5');
      expect([forged.code, forged.out.includes('FAILED at position 6: unkeyed_row')]).toEqual([1, true]);
    } finally {
      await admin.end();
    }
  });

  it('verify reports every break, not only the first: an edited row, a head pushed over a gap, and an edited row after the gap', async () => {
    await db.drop();
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.DATA_DIR = `/tmp/ortholedger-test-${db.name}`;
    for (const name of ['Gap 1', 'Gap 2', 'Gap 3']) await cli('users', 'add-clinic', '--name', name);
    const admin = await db.admin();
    try {
      // The gap the app role could once make with UPDATE on the head (the head only moves forwards, so the owner still can).
      await admin.query('update access.audit_head set seq = seq + 1000');
      for (const name of ['After Gap 1', 'After Gap 2']) await cli('users', 'add-clinic', '--name', name); // positions 1004 and 1005
      await admin.query('begin');
      await admin.query('alter table access.audit_events disable trigger user');
      await admin.query("update access.audit_events set reason = 'role:platform_admin' where seq = any('{2,1005}')");
      await admin.query('alter table access.audit_events enable trigger user');
      await admin.query('commit');
    } finally {
      await admin.end();
    }
    const text = await cli('audit', 'verify');
    expect(text.code).toBe(1);
    expect(text.out).toContain('FAILED at position 2: hash_mismatch (1 rows verified before it)');
    expect(text.out).toContain('3 breaks in all (5 rows read):\n  2: hash_mismatch\n  4-1003: missing_row\n  1005: hash_mismatch');
    const json = await cli('audit', 'verify', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false, checked: 1, brokenAt: 2, problem: 'hash_mismatch', head: { seq: 1005 }, scanned: 5, breakCount: 3,
      breaks: [{ at: 2, problem: 'hash_mismatch' }, { at: 4, problem: 'missing_row', through: 1003 }, { at: 1005, problem: 'hash_mismatch' }],
    });
  });

  it('users create names the field that is wrong (code and detail), never a value typed, and creates nothing', async () => {
    const bin = (...args: string[]) =>
      promisify(execFile)(process.execPath, [path.resolve(__dirname, '../../bin/ortholedger.js'), ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } })
        .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code: number; stdout: string; stderr: string }) => e);
    const clinicId = (await cli('users', 'add-clinic', '--name', 'Detail Clinic')).out.trim();
    const email = 'maria.lopez@example.test';
    const users = async () => (await db.pools.owner.query<{ n: number }>('select count(*)::int as n from access.users')).rows[0].n;
    const before = await users();
    const cases: [string[], string][] = [
      [['--realm', 'clinc', '--role', 'dentist', '--email', email, '--clinic', clinicId], '(realm)'],
      [['--realm', 'clinic', '--role', 'dentst', '--email', email, '--clinic', clinicId], '(role)'],
      [['--realm', 'backoffice', '--role', 'dentist', '--email', email], '(role outside realm)'],
      [['--realm', 'clinic', '--role', 'dentist', '--email', 'maria.lopez', '--clinic', clinicId], '(email)'],
      [['--realm', 'clinic', '--role', 'dentist', '--email', email], '(clinic (a clinic realm user needs a clinic id))'],
      [['--realm', 'clinic', '--role', 'dentist', '--email', email, '--clinic', randomUUID()], '(unknown clinic)'],
    ];
    for (const [args, detail] of cases) {
      const result = await bin('users', 'create', ...args);
      expect([result.code, result.stderr.trim()]).toEqual([1, `error: ACCESS.INVALID_USER: Invalid user definition ${detail}`]);
      expect(result.stdout).toBe('');
    }
    // With --json the same refusal is one JSON line, as every other CLI error.
    const json = await bin('users', 'create', ...cases[3][0], '--json');
    expect([json.code, JSON.parse(json.stderr.trim())]).toEqual([1, { error: { code: 'ACCESS.INVALID_USER', message: 'Invalid user definition (email)' } }]);
    const missing = await bin('users', 'disable', randomUUID(), '--json');
    expect([missing.code, JSON.parse(missing.stderr.trim())]).toEqual([1, { error: { code: 'ACCESS.USER_NOT_FOUND', message: 'User not found' } }]);
    const unnamed = await bin('users', 'disable', email, '--json');
    expect([unnamed.code, JSON.parse(unnamed.stderr.trim())]).toEqual([1, { error: { code: null, message: 'name the user by id, or by e-mail with --realm clinic|backoffice' } }]);
    expect(await users()).toBe(before);
  });
});
