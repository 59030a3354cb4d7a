import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppLoginTooPowerful, loadConfig, OwnerLoginUnavailable, type Runtime, SchemaBehind, startRuntime } from '@ortholedger/platform';
import { createClinicApi } from '../../apps/clinic-api/src/clinic-api.app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { captureLogger } from '../support/test-runtime';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * Production serves with the application's login alone: the schema owner's login (which may alter
 * or drop the event history and the audit log) stays with the deploy step that migrates. Through
 * the whole path: a real login that is only a member of ortholedger_app, start-up, the clinic API
 * and its readiness, and the refusals (schema behind, a login that can do more, owner use).
 */
describe('serving with APP_DATABASE_URL alone', () => {
  let db: TestDatabase;
  const suffix = randomBytes(4).toString('hex');
  const login = `ol_t_app_login_${suffix}`;
  const strong = `ol_t_strong_login_${suffix}`;
  const password = randomBytes(12).toString('hex');
  const urlFor = (user: string) => {
    const url = new URL(db.url);
    url.username = user;
    url.password = password;
    return url.toString();
  };
  const env = (user: string) => ({ DATA_DIR: `/tmp/ortholedger-test-${db.name}`, APP_DATABASE_URL: urlFor(user), LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = await db.admin();
    try {
      await admin.query(`create role ${login} login password '${password}' in role ortholedger_app`);
      // A login that is an app-role member too, but was also given UPDATE on the event log.
      await admin.query(`create role ${strong} login password '${password}' in role ortholedger_app`);
      await admin.query(`grant update on eventstore.events to ${strong}`);
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => {
    const admin = await db.admin();
    try {
      await admin.query(`revoke all on eventstore.events from ${strong}`);
      await admin.query(`revoke all on access.audit_events from ${strong}`);
      await admin.query(`drop role if exists ${login}`);
      await admin.query(`drop role if exists ${strong}`);
      await admin.query(`drop role if exists ${strong}_su`);
    } finally {
      await admin.end();
    }
    await db.drop();
  });

  it('starts without migrating, its owner pool refuses every use, and the clinic API is ready on the app login', async () => {
    const runtime = await startRuntime(loadConfig(env(login)));
    let app: NestFastifyApplication | undefined;
    try {
      expect(runtime.ownerLogin).toBe(false);
      expect(runtime.embedded).toBe(false);
      await expect(runtime.pools.owner.query('select 1')).rejects.toBeInstanceOf(OwnerLoginUnavailable);
      await expect(runtime.pools.owner.connect()).rejects.toThrow(/schema owner's login \(DATABASE_URL\)/);
      const { rows } = await runtime.pools.app.query('select current_user as who');
      expect(rows[0].who).toBe(login);

      app = await createClinicApi(runtime, captureLogger().logger);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().details).toMatchObject({ database: { status: 'up' }, migrations: { status: 'up', pending: 0 }, eventLogClock: { status: 'up', ahead: true } });
    } finally {
      await app?.close();
      await runtime.stop();
    }
  });

  it('refuses to start while a migration is pending', async () => {
    const admin = await db.admin();
    const name = '0500_command_idempotency';
    try {
      await admin.query('delete from public.kysely_migration where name = $1', [name]);
      await expect(startRuntime(loadConfig(env(login)))).rejects.toThrow(SchemaBehind);
      await expect(startRuntime(loadConfig(env(login)))).rejects.toThrow(/1 migration\(s\) behind this release; run `npx ortholedger db migrate`/);
    } finally {
      await admin.query("insert into public.kysely_migration (name, timestamp) values ($1, to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))", [name]);
      await admin.end();
    }
    const runtime = await startRuntime(loadConfig(env(login)));
    await runtime.stop();
    // A schema from before the app role could read the migration log is behind as well, and says so.
    const owner = await db.admin();
    try {
      await owner.query('revoke select on public.kysely_migration from ortholedger_app');
      await expect(startRuntime(loadConfig(env(login)))).rejects.toThrow(SchemaBehind);
    } finally {
      await owner.query('grant select on public.kysely_migration to ortholedger_app');
      await owner.end();
    }
  });

  it('refuses a login that can do more than the app role, however its URL is spelt', async () => {
    await expect(startRuntime(loadConfig(env(strong)))).rejects.toThrow(/may update, delete or truncate the event log/);
    // The suite's own server login (the owner here, a superuser on CI) given as the app login.
    const owner = new URL(db.url);
    owner.protocol = 'postgresql:';
    const error = await startRuntime(loadConfig({ DATA_DIR: `/tmp/ortholedger-test-${db.name}`, APP_DATABASE_URL: owner.toString() })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppLoginTooPowerful);
    expect((error as AppLoginTooPowerful).reasons).toEqual(expect.arrayContaining(['may update, delete or truncate the event log', 'may write the audit log other than through access.append_audit_events']));
    // A login given INSERT on the audit rows could jam the chain with a stray row.
    const admin = await db.admin();
    try {
      await admin.query(`revoke update on eventstore.events from ${strong}`);
      await admin.query(`grant insert on access.audit_events to ${strong}`);
      await expect(startRuntime(loadConfig(env(strong)))).rejects.toThrow(/^the application's database login may write the audit log other than through/);
      await admin.query(`revoke insert on access.audit_events from ${strong}`);
      // Membership of a superuser or role-creating role is as good as being one (SET ROLE).
      await admin.query(`create role ${strong}_su superuser nologin`);
      await admin.query(`grant ${strong}_su to ${strong}`);
      await expect(startRuntime(loadConfig(env(strong)))).rejects.toThrow(/is, or may become, a superuser/);
      await admin.query(`drop role ${strong}_su`);
      await admin.query(`alter role ${strong} createrole`);
      await expect(startRuntime(loadConfig(env(strong)))).rejects.toThrow(/may become, a role that creates roles/);
      await admin.query(`alter role ${strong} nocreaterole`);
      const runtime = await startRuntime(loadConfig(env(strong)));
      await runtime.stop();
    } finally {
      await admin.end();
    }
  });

  it('a database it cannot reach is reported as such, naming the variable', async () => {
    const url = new URL(urlFor(login));
    url.port = '1';
    await expect(startRuntime(loadConfig({ APP_DATABASE_URL: url.toString() }))).rejects.toThrow(/^cannot connect to the database given by APP_DATABASE_URL: /);
  });

  it('the CLI runs its read-only work on the app login alone and says what needs the owner', async () => {
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      run(process.execPath, [path.join(root, 'bin/ortholedger.js'), ...args], { cwd: root, env: { PATH: process.env.PATH, ...env(login), ...extra }, timeout: 60_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const verify = await cli(['audit', 'verify']);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringMatching(/^ok: /)]);
    // The projection worker serves with the app login alone.
    const worker = await cli(['projections', 'run', '--until-caught-up', '--json']);
    expect(worker.code).toBe(0);
    const migrate = await cli(['db', 'migrate']);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toMatch(/needs the schema owner's login \(DATABASE_URL\)/);
    // A bad LOG_LEVEL is a configuration error naming the variable, not a crash; `--help` needs no configuration.
    expect((await cli(['--help'], { LOG_LEVEL: 'verbose' })).code).toBe(0);
    const badLevel = await cli(['audit', 'head'], { LOG_LEVEL: 'verbose' });
    expect([badLevel.code, badLevel.stderr]).toEqual([1, expect.stringMatching(/^error: Invalid configuration: LOG_LEVEL: must be one of/)]);
    expect(badLevel.stderr).not.toMatch(/ExceptionHandler|\n\s+at /);
  });

  it.each([
    ['an API process', ['dist/apps/clinic-api/src/main.js']],
    ['a projection worker', ['bin/ortholedger.js', 'projections', 'run']],
  ])('%s in production given the owner login is refused before it connects or migrates', async (_what, args) => {
    const unreachableOwner = `postgres://owner@127.0.0.1:1/${randomUUID().slice(0, 8)}?sslmode=verify-full`;
    const failure = await run(process.execPath, [path.join(root, args[0]), ...args.slice(1)], {
      cwd: root,
      env: {
        PATH: process.env.PATH, NODE_ENV: 'production', KEY_PROVIDER: 'aws-kms', AWS_KMS_KEY_ID: 'alias/ortholedger', AWS_REGION: 'eu-central-1',
        DATABASE_URL: unreachableOwner, APP_DATABASE_URL: `${urlFor(login)}?sslmode=verify-full`,
      },
      timeout: 20_000,
    }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/DATABASE_URL: must not be set for a serving process when NODE_ENV=production/);
    expect(failure?.stderr).not.toMatch(/cannot connect|ECONNREFUSED|Migration/);
    expect(failure?.stderr).not.toContain(password);
  });
});
