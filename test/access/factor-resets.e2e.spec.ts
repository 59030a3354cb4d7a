import { AuditService, type AuditRecord, createIdentityServices } from '@ortholedger/access';
import { createDatabasePools } from '@ortholedger/platform';
import { testRuntime } from '../support/test-runtime';
import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';

const REVOKE_APPEND = 'revoke execute on function access.append_audit_events from ortholedger_app';
const GRANT_APPEND = 'grant execute on function access.append_audit_events to ortholedger_app';
const ENGINEER = { realm: 'cli', role: 'engineer' } as const;

/*
 * Support resets a forgotten password or a lost second factor, one at a time. Resetting both would
 * leave support holding every factor of a dentist's account (and its patients): the API refuses the
 * second reset until the user has renewed the first, and leaves a full recovery to an engineer at
 * the CLI, a second person. And no account change commits without its audit row.
 */
describe('one-time passwords, factor resets through the admin API, and account changes that cannot be audited', () => {
  let h: AccessHarness;
  let support: SignedIn;
  let supportUser: TestUser;
  let supportId: string;

  beforeAll(async () => {
    h = await AccessHarness.start();
    supportUser = await h.createUser('backoffice', 'support');
    supportId = supportUser.id;
    support = await h.signIn(supportUser);
  });
  afterAll(async () => h?.stop());

  const asSupport = (userId: string, route: string) => h.admin.inject({ method: 'POST', url: `/admin/users/${userId}/${route}`, headers: bearer(support.accessToken) });
  const credentials = async (userId: string) => {
    const { rows: [row] } = await h.db.pools.owner.query(
      `select u.password_hash, u.password_must_change, u.password_expires_at, u.totp_secret, u.credential_version, u.disabled_at, u.role,
              u.failed_attempts, u.locked_until, (select count(*)::int from access.login_throttle t where t.key = 'acct:' || u.login_lookup) as throttled
         from access.users u where u.id = $1`,
      [userId],
    );
    return row;
  };
  const dentist = async (): Promise<TestUser> => {
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    await h.signIn(user); // own password, own TOTP
    return user;
  };
  const expectRefused = async (res: { statusCode: number; json(): any }, userId: string, action: string, reason: string) => {
    expect(res.statusCode).toBe(409);
    const { correlationId, ...body } = res.json();
    expect(body).toEqual({ code: 'ACCESS.OTHER_FACTOR_PENDING', message: 'The other sign-in factor was reset and the user has not renewed it yet' });
    const rows = await h.auditRows('resource_id = $1 and action = $2 and outcome = $3', [userId, action, 'denied']);
    expect(rows.map((r) => [r.actor_id, r.status, r.reason])).toEqual([[supportId, 409, reason]]);
  };

  it('after a password reset, support cannot reset the MFA until the user has replaced the one-time password', async () => {
    const user = await dentist();
    const reset = await asSupport(user.id, 'reset-password');
    expect(reset.statusCode).toBe(200);
    const before = await credentials(user.id);

    await expectRefused(await asSupport(user.id, 'reset-mfa'), user.id, 'users.reset_mfa', 'password_reset_pending');
    expect(await credentials(user.id)).toEqual(before); // the TOTP seed is still the user's

    // The user signs in with the one-time password and their own TOTP, and sets a password: now it may.
    user.password = reset.json().oneTimePassword;
    await h.signIn(user);
    expect((await credentials(user.id)).password_must_change).toBe(false);
    expect((await asSupport(user.id, 'reset-mfa')).statusCode).toBe(200);
  });

  it('after an MFA reset, support cannot reset the password until the user has enrolled a second factor again', async () => {
    const user = await dentist();
    expect((await asSupport(user.id, 'reset-mfa')).statusCode).toBe(200);
    const before = await credentials(user.id);
    expect(before.totp_secret).toBeNull();

    const refused = await asSupport(user.id, 'reset-password');
    await expectRefused(refused, user.id, 'users.reset_password', 'mfa_reset_pending');
    expect(refused.body).not.toContain('oneTimePassword');
    expect(await credentials(user.id)).toEqual(before); // the password is still the user's own

    // The user signs in with their own password and enrols a new TOTP: now it may.
    await h.signIn(user, { changePassword: false });
    expect((await asSupport(user.id, 'reset-password')).statusCode).toBe(200);
  });

  it('both resets at once: the user row orders them, and exactly one goes through', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await dentist();
      const [password, mfa] = await Promise.all([asSupport(user.id, 'reset-password'), asSupport(user.id, 'reset-mfa')]);
      expect([password.statusCode, mfa.statusCode].sort()).toEqual([200, 409]);
      const after = await credentials(user.id);
      // Never both: a one-time password support saw, and no second factor of the user's.
      expect(after.password_must_change && after.totp_secret === null).toBe(false);
    }
  });

  it('a new account that never signed in may get a fresh one-time password; an engineer at the CLI may reset both factors', async () => {
    const fresh = await h.createUser('clinic', 'dentist', await h.clinicId());
    expect((await asSupport(fresh.id, 'reset-password')).statusCode).toBe(200);

    const user = await dentist();
    await h.identity.users.resetPassword(user.id, ENGINEER);
    await h.identity.users.resetMfa(user.id, ENGINEER);
    const after = await credentials(user.id);
    expect([after.password_must_change, after.totp_secret]).toEqual([true, null]);
    const rows = await h.auditRows("resource_id = $1 and realm = 'cli' and outcome = 'granted' and action like 'users.reset%'", [user.id]);
    expect(rows.map((r) => [r.action, r.params.passwordReissued])).toEqual([['users.reset_password', undefined], ['users.reset_mfa', true]]);
    // Signed in to before: support may not hand a one-time password to it while it has no second factor.
    await expectRefused(await asSupport(user.id, 'reset-password'), user.id, 'users.reset_password', 'mfa_reset_pending');
  });

  it('a user who lost both factors: support resets the password, the engineer the MFA, and only the engineer\'s new one-time password signs in', async () => {
    const user = await dentist();
    const bySupport = (await asSupport(user.id, 'reset-password')).json().oneTimePassword;
    expect((await asSupport(user.id, 'reset-mfa')).statusCode).toBe(409);
    const recovered = await h.identity.users.resetMfa(user.id, ENGINEER);
    expect(typeof recovered.oneTimePassword).toBe('string');
    const login = (password: string) => h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password } });
    // Support's copy would open an account with no second factor: it no longer signs in.
    expect((await login(bySupport)).json().code).toBe('AUTH.INVALID_CREDENTIALS');
    // Nor can support get a fresh one, or reset anything else that would hand it the account.
    await expectRefused(await asSupport(user.id, 'reset-password'), user.id, 'users.reset_password', 'mfa_reset_pending');
    const { mfa } = (await login(recovered.oneTimePassword!)).json();
    expect(mfa).toBe('enrolment_required');
    // The MFA reset of an account whose own password the user keeps issues nothing.
    const other = await dentist();
    expect(await h.identity.users.resetMfa(other.id, ENGINEER)).not.toHaveProperty('oneTimePassword');
  });

  it('an account change whose audit row cannot be written is rolled back: nothing changes, no session ends', async () => {
    const user = await dentist();
    const session = await h.signIn(user, { changePassword: false });
    // Failed sign-ins and a lock-out, so that the unlock has something to undo.
    for (let i = 0; i < 6; i++) await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'a wrong password' } });
    await h.db.pools.owner.query("update access.users set locked_until = now() + interval '1 hour' where id = $1", [user.id]);
    expect(await credentials(user.id)).toMatchObject({ locked_until: expect.any(Date), throttled: 1 });
    const clinicsBefore = (await h.db.pools.owner.query('select count(*)::int as n from access.clinics')).rows[0].n;
    const before = await credentials(user.id);
    const actor = { realm: 'backoffice', actorId: supportId, role: 'support' };
    const admin = await h.db.admin();
    await admin.query(REVOKE_APPEND);
    try {
      const users = h.identity.users;
      for (const change of [
        () => users.resetPassword(user.id, actor),
        () => users.resetMfa(user.id, actor),
        () => users.disable(user.id, actor),
        () => users.changeRole(user.id, 'orthodontist', actor),
        () => users.unlock(user.id, actor),
        () => users.createUser({ realm: 'clinic', role: 'dentist', email: 'unaudited@example.test', clinicId: user.clinicId }, actor),
        () => users.createClinic('Unaudited clinic', actor),
      ]) {
        await expect(change()).rejects.toMatchObject({ code: 'AUDIT.UNAVAILABLE' });
      }
    } finally {
      await admin.query(GRANT_APPEND);
      await admin.end();
    }
    expect(await credentials(user.id)).toEqual(before);
    expect(await users_named('unaudited@example.test')).toBe(0);
    expect((await h.db.pools.owner.query('select count(*)::int as n from access.clinics')).rows[0].n).toBe(clinicsBefore);
    const { rowCount } = await h.db.pools.owner.query('select 1 from access.sessions where id = $1 and revoked_at is null', [session.sessionId]);
    expect(rowCount).toBe(1);
  });

  it('a change whose commit fails after its audit row was written gets an error row after it', async () => {
    // A deferred constraint that refuses one clinic name at commit: the insert and the audit row go
    // through, the commit does not.
    const admin = await h.db.admin();
    try {
      await admin.query(`create function access.refuse_at_commit() returns trigger language plpgsql as $$
        begin if new.display_name = 'Refused at commit' then raise exception 'refused at commit'; end if; return null; end $$`);
      await admin.query(`create constraint trigger refuse_at_commit after insert on access.clinics deferrable initially deferred
        for each row execute function access.refuse_at_commit()`);
      const id = '00000000-0000-4000-8000-00000000c0de';
      await expect(h.identity.users.createClinic('Refused at commit', ENGINEER, id)).rejects.toThrow('refused at commit');
      expect((await h.db.pools.owner.query('select 1 from access.clinics where id = $1', [id])).rowCount).toBe(0);
      const rows = await h.auditRows('resource_id = $1', [id]);
      expect(rows.map((r) => [r.action, r.outcome, r.reason])).toEqual([['clinics.create', 'granted', null], ['clinics.create', 'error', 'not_committed']]);
    } finally {
      await admin.query('drop trigger if exists refuse_at_commit on access.clinics');
      await admin.query('drop function if exists access.refuse_at_commit()');
      await admin.end();
    }
  });

  it('an account change waits for its audit row on the audit pool, not the app pool it holds a connection of: more changes at once than app connections', async () => {
    const pools = createDatabasePools({ ownerUrl: h.db.url, max: 2, applicationName: 'ortholedger-tiny' });
    try {
      const services = await createIdentityServices({ ...testRuntime(h.db), pools }, { clock: h.clock, env: {} });
      const clinic = await h.clinicId();
      const targets: TestUser[] = [];
      for (let i = 0; i < 6; i++) targets.push(await h.createUser('clinic', 'dentist', clinic));
      const started = Date.now();
      const done = await Promise.all(targets.map((u) => services.users.disable(u.id, ENGINEER)));
      expect(done.every((v) => v.disabled)).toBe(true);
      expect(Date.now() - started).toBeLessThan(4_000); // the audit store's own timeout is 5 s
    } finally {
      await pools.close();
    }
  });

  it("the user's own password change and break-glass are rolled back when their audit row fails: 503, and nothing took effect", async () => {
    const user = await dentist();
    const session = await h.signIn(user, { changePassword: false });
    const coordinator = await h.signIn(await h.createUser('backoffice', 'case_coordinator'));
    const before = await credentials(user.id);
    // The guard's decision row goes through; the handler's own row (it carries the status) fails,
    // as it would if the audit store went down between the two.
    const record = AuditService.prototype.record;
    const spy = jest.spyOn(AuditService.prototype, 'record').mockImplementation(function (this: AuditService, r: AuditRecord) {
      if ((r.action === 'auth.password_change' || r.action === 'auth.break_glass') && r.outcome === 'granted' && r.status === 200) {
        return Promise.reject(Object.assign(new Error('audit write failed'), { code: 'AUDIT.UNAVAILABLE' }));
      }
      return record.call(this, r);
    });
    try {
      const changed = await h.clinic.inject({
        method: 'POST', url: '/auth/password', headers: bearer(session.accessToken),
        payload: { currentPassword: user.password, newPassword: 'an unaudited new passphrase 1' },
      });
      expect(changed.statusCode).toBeGreaterThanOrEqual(500);
      const glass = await h.admin.inject({ method: 'POST', url: '/auth/break-glass', headers: bearer(coordinator.accessToken), payload: { reason: 'patient_safety', ticket: 'INC-7' } });
      expect(glass.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      spy.mockRestore();
    }
    expect(await credentials(user.id)).toEqual(before);
    const { rows: [live] } = await h.db.pools.owner.query('select revoked_at from access.sessions where id = $1', [session.sessionId]);
    expect(live.revoked_at).toBeNull();
    const { rows: [glassRow] } = await h.db.pools.owner.query('select break_glass_until from access.sessions where id = $1', [coordinator.sessionId]);
    expect(glassRow.break_glass_until).toBeNull();
  });

  it('a one-time password expires (ONE_TIME_PASSWORD_TTL_SECONDS, 72 h by default): refused after the password checked, not counted as a guess; a fresh one works', async () => {
    const login = (user: TestUser, password = user.password) => h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password } });
    // A sign-in begun in time does not finish after the expiry: neither the enrolment of its
    // challenge nor, in a session opened in time, the password change that uses it.
    const late = await h.createUser('clinic', 'dentist', await h.clinicId());
    h.clock.advance(72 * 3600 * 1000 - 60_000);
    const challenge = (await login(late)).json().challengeToken;
    h.clock.advance(60_000);
    const enrol = await h.clinic.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: bearer(challenge) });
    expect([enrol.statusCode, enrol.json().code]).toEqual([401, 'AUTH.ONE_TIME_PASSWORD_EXPIRED']);
    const slow = await h.createUser('clinic', 'dentist', await h.clinicId());
    h.clock.advance(72 * 3600 * 1000 - 120_000);
    const session = await h.signIn(slow, { changePassword: false });
    h.clock.advance(120_000);
    const change = await h.clinic.inject({
      method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: slow.password, newPassword: 'a long enough new passphrase 7' },
    });
    expect([change.statusCode, change.json().code]).toEqual([401, 'AUTH.ONE_TIME_PASSWORD_EXPIRED']);

    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    h.clock.advance(72 * 3600 * 1000 - 60_000);
    expect((await login(user)).statusCode).toBe(200); // a minute left
    h.clock.advance(60_000);
    for (let i = 0; i < 6; i++) {
      const expired = await login(user);
      expect(expired.statusCode).toBe(401);
      const { correlationId, ...body } = expired.json();
      expect(body).toEqual({ code: 'AUTH.ONE_TIME_PASSWORD_EXPIRED', message: 'The one-time password has expired; ask support for a new one' });
    }
    // A wrong password is told nothing about the expiry.
    expect((await login(user, 'not-the-password-at-all')).json().code).toBe('AUTH.INVALID_CREDENTIALS');
    const { rows: [row] } = await h.db.pools.owner.query('select failed_attempts, locked_until from access.users where id = $1', [user.id]);
    expect(row).toEqual({ failed_attempts: 1, locked_until: null }); // the six right-but-expired ones were not guesses
    expect((await h.auditRows("resource_id is null and actor_id = $1 and reason = 'one_time_password_expired'", [user.id])).length).toBe(6);

    // Support (signed in again: the clock moved past their session) hands out a fresh one (a new
    // account may get one): it works, and the user's own password never expires.
    support = await h.signIn(supportUser, { changePassword: false });
    const reset = await asSupport(user.id, 'reset-password');
    expect(reset.statusCode).toBe(200);
    user.password = reset.json().oneTimePassword;
    await h.signIn(user);
    expect((await credentials(user.id)).password_must_change).toBe(false);
    h.clock.advance(365 * 24 * 3600 * 1000);
    expect((await login(user)).statusCode).toBe(200);

    // A reset's one-time password expires too.
    support = await h.signIn(supportUser, { changePassword: false });
    const again = await asSupport(user.id, 'reset-password');
    h.clock.advance(72 * 3600 * 1000);
    expect((await login(user, again.json().oneTimePassword)).json().code).toBe('AUTH.ONE_TIME_PASSWORD_EXPIRED');
  });

  async function users_named(email: string): Promise<number> {
    const lookup = h.identity.keyring.lookup('login', `clinic:${email}`);
    const { rows } = await h.db.pools.owner.query('select count(*)::int as n from access.users where login_lookup = $1', [lookup]);
    return rows[0].n;
  }
});
