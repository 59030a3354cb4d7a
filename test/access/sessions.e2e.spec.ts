import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';
import { ProbeController } from './support/probe.controller';

const MIN = 60_000;

/**
 * Server-side sessions with an injected clock: idle (5 min here) and absolute (30 min here)
 * limits, and every event that must end a session at once. Access tokens live 15 min in this
 * suite so that the session, not the token's exp, is what refuses the request.
 */
describe('sessions', () => {
  let h: AccessHarness;
  let clinic: string;
  let patient: string;

  beforeAll(async () => {
    h = await AccessHarness.start({
      controllers: [ProbeController],
      env: { SESSION_IDLE_TIMEOUT_SECONDS: '300', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '1800', ACCESS_TOKEN_TTL_SECONDS: '900' },
    });
    clinic = await h.clinicId();
    patient = await h.patient(clinic);
  });
  afterAll(async () => h?.stop());

  async function member(): Promise<{ user: TestUser; s: SignedIn }> {
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    await h.careTeam.addMember(patient, user.id);
    return { user, s: await h.signIn(user) };
  }

  const read = (token: string) => h.clinic.inject({ method: 'GET', url: `/probe/patients/${patient}`, headers: bearer(token) });
  const refresh = (token: string) => h.clinic.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: token } });
  const reasonOf = async (sessionId: string) =>
    (await h.db.pools.owner.query('select revoked_reason from access.sessions where id = $1', [sessionId])).rows[0].revoked_reason;

  // A fresh support session per case: earlier cases move the clock past the idle limit.
  const supportSession = async (): Promise<SignedIn> => h.signIn(await h.createUser('backoffice', 'support'));

  it('idle timeout: activity slides the session; 5 idle minutes end it', async () => {
    const { s } = await member();
    h.clock.advance(4 * MIN);
    expect((await read(s.accessToken)).statusCode).toBe(200);
    h.clock.advance(4 * MIN);
    expect((await read(s.accessToken)).statusCode).toBe(200);
    h.clock.advance(5 * MIN + 1000);
    const res = await read(s.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH.SESSION_ENDED');
    expect((await refresh(s.refreshToken)).statusCode).toBe(401);
    expect(await reasonOf(s.sessionId)).toBe('idle_timeout');
  });

  it('refreshing is not activity: a client that only refreshes does not keep an unattended session past its idle limit', async () => {
    const { s } = await member();
    h.clock.advance(4 * MIN);
    const r = await refresh(s.refreshToken);
    expect(r.statusCode).toBe(200);
    h.clock.advance(2 * MIN); // 6 minutes since the last request that did something
    expect((await refresh(r.json().refreshToken)).statusCode).toBe(401);
    expect(await reasonOf(s.sessionId)).toBe('idle_timeout');
  });

  it('a password change does not restart the absolute lifetime: the new session ends when the old one would have', async () => {
    const { user, s } = await member();
    const absoluteOf = async (sessionId: string) =>
      (await h.db.pools.owner.query<{ at: Date }>('select absolute_expires_at as at from access.sessions where id = $1', [sessionId])).rows[0].at.getTime();
    h.clock.advance(4 * MIN);
    expect((await read(s.accessToken)).statusCode).toBe(200);
    h.clock.advance(4 * MIN); // 8 minutes into the session, within the idle limit
    const next = `pw-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
    const changed = await h.clinic.inject({ method: 'POST', url: '/auth/password', headers: bearer(s.accessToken), payload: { currentPassword: user.password, newPassword: next } });
    expect(changed.statusCode).toBe(200);
    expect(await absoluteOf(changed.json().sessionId)).toBe(await absoluteOf(s.sessionId));
  });

  it('the current password is guessed under the same lock-out as at login: after 20 wrong ones even the right one is refused', async () => {
    const { user, s } = await member();
    const change = (currentPassword: string) =>
      h.clinic.inject({ method: 'POST', url: '/auth/password', headers: bearer(s.accessToken), payload: { currentPassword, newPassword: `pw-${Math.random().toString(36).slice(2)}-x9` } });
    for (let i = 0; i < 20; i++) expect((await change(`wrong-${i}`)).statusCode).toBe(401);
    expect((await change(user.password)).statusCode).toBe(401);
    const { rows } = await h.db.pools.owner.query('select locked_until is not null as locked from access.users where id = $1', [user.id]);
    expect(rows[0].locked).toBe(true);
  });

  it('absolute lifetime: even an active session ends after 30 minutes', async () => {
    const { s } = await member();
    let tokens = s;
    for (let minute = 4; minute < 30; minute += 4) {
      h.clock.advance(4 * MIN);
      const r = await refresh(tokens.refreshToken);
      expect(r.statusCode).toBe(200);
      tokens = r.json();
      expect((await read(tokens.accessToken)).statusCode).toBe(200);
    }
    h.clock.advance(3 * MIN);
    expect((await read(tokens.accessToken)).statusCode).toBe(401);
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    expect(await reasonOf(s.sessionId)).toBe('absolute_timeout');
  });

  it('logout ends the session at once (access and refresh token)', async () => {
    const { s } = await member();
    expect((await h.clinic.inject({ method: 'POST', url: '/auth/logout', headers: bearer(s.accessToken) })).statusCode).toBe(204);
    expect((await read(s.accessToken)).statusCode).toBe(401);
    expect((await refresh(s.refreshToken)).statusCode).toBe(401);
    expect(await reasonOf(s.sessionId)).toBe('logout');
  });

  it('checks of concurrent requests share a statement, and a logged-out session among them is still refused', async () => {
    // Signed in one after another: each sign-in moves the manual clock a TOTP step.
    const live: Awaited<ReturnType<typeof member>>[] = [];
    const ended: Awaited<ReturnType<typeof member>>[] = [];
    for (let i = 0; i < 8; i++) (i < 5 ? live : ended).push(await member());
    for (const { s } of ended) {
      expect((await h.clinic.inject({ method: 'POST', url: '/auth/logout', headers: bearer(s.accessToken) })).statusCode).toBe(204);
    }
    const calls = [...live.map(({ s }) => ({ s, status: 200 })), ...ended.map(({ s }) => ({ s, status: 401 }))].flatMap((c) => [c, c, c]);
    const pool = h.db.pools.app;
    const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    let checks = 0;
    const spy = jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
      if ((args[0] as { name?: string })?.name === 'access_session_check_many') checks++;
      return original(...args);
    }) as never);
    try {
      const replies = await Promise.all(calls.map((c) => read(c.s.accessToken)));
      expect(replies.map((r, i) => ({ session: calls[i].s.sessionId, status: r.statusCode }))).toEqual(calls.map((c) => ({ session: c.s.sessionId, status: c.status })));
    } finally {
      spy.mockRestore();
    }
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThan(calls.length);
    for (const { s } of ended) expect(await reasonOf(s.sessionId)).toBe('logout');
  });

  it('the care-team facts are read while the session check is out; an ended session still gets 401', async () => {
    const { s } = await member();
    const { s: gone } = await member();
    expect((await h.clinic.inject({ method: 'POST', url: '/auth/logout', headers: bearer(gone.accessToken) })).statusCode).toBe(204);
    for (const [session, status] of [[s, 200], [gone, 401]] as const) {
      const pool = h.db.pools.app;
      const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const whileHeld: string[] = [];
      let held = false;
      const spy = jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
        const name = (args[0] as { name?: string })?.name ?? '';
        if (name === 'access_session_check_many') {
          held = true;
          return gate.then(() => original(...args));
        }
        if (held) whileHeld.push(name);
        return original(...args);
      }) as never);
      try {
        const reply = read(session.accessToken);
        // The projected directory's statement (this harness's patients are not in the log, so it then asks the interim tables).
        const factsRead = () => whileHeld.some((n) => /^(read_models_care_team_facts|access_patient_facts)/.test(n));
        for (let i = 0; i < 200 && !factsRead(); i++) await new Promise((r) => setTimeout(r, 5));
        expect(factsRead()).toBe(true);
        release();
        expect((await reply).statusCode).toBe(status);
      } finally {
        release();
        spy.mockRestore();
      }
    }
  });

  it.each([
    ['disable', 'disable', 'user_disabled'],
    ['role change', 'role', 'role_changed'],
    ['MFA reset', 'reset-mfa', 'mfa_reset'],
    ['password reset', 'reset-password', 'password_reset'],
  ])('%s by support ends every session of the user at once', async (_label, route, reason) => {
    const { user, s } = await member();
    const second = await h.signIn(user, { changePassword: false });
    const sup = await supportSession();
    const res = await h.admin.inject({
      method: 'POST', url: `/admin/users/${user.id}/${route}`, headers: bearer(sup.accessToken),
      payload: route === 'role' ? { role: 'dentist' } : undefined,
    });
    expect(res.statusCode).toBe(200);
    for (const session of [s, second]) {
      expect((await read(session.accessToken)).statusCode).toBe(401);
      expect((await refresh(session.refreshToken)).statusCode).toBe(401);
      expect(await reasonOf(session.sessionId)).toBe(reason);
    }
  });

  it('password change ends the other sessions and rotates the current one', async () => {
    const { user, s } = await member();
    const other = await h.signIn(user, { changePassword: false });
    const res = await h.clinic.inject({
      method: 'POST', url: '/auth/password', headers: bearer(other.accessToken),
      payload: { currentPassword: user.password, newPassword: 'a much longer new passphrase 2' },
    });
    expect(res.statusCode).toBe(200);
    expect((await read(s.accessToken)).statusCode).toBe(401);
    expect((await read(other.accessToken)).statusCode).toBe(401);
    expect((await read(res.json().accessToken)).statusCode).toBe(200);
    expect(await reasonOf(s.sessionId)).toBe('password_changed');
  });

  it('refresh rotates; reusing a spent refresh token revokes the whole family', async () => {
    const { s } = await member();
    const first = await refresh(s.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json();
    expect(rotated.refreshToken).not.toBe(s.refreshToken);
    expect(rotated.sessionId).toBe(s.sessionId);
    const second = await refresh(rotated.refreshToken);
    expect(second.statusCode).toBe(200);
    const newest = second.json();

    // The stolen, already spent token comes back: the session and all its tokens die.
    const reuse = await refresh(s.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect((await read(newest.accessToken)).statusCode).toBe(401);
    expect((await refresh(newest.refreshToken)).statusCode).toBe(401);
    expect(await reasonOf(s.sessionId)).toBe('refresh_reuse');
    const audit = await h.auditRows("action = 'auth.refresh' and outcome = 'denied' and reason = 'refresh_reuse'");
    expect(audit).toHaveLength(1);
  });

  it('a one-time password must be changed before any PHI route', async () => {
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    await h.careTeam.addMember(patient, user.id);
    const s = await h.signIn(user, { changePassword: false });
    const res = await read(s.accessToken);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH.PASSWORD_CHANGE_REQUIRED');
    expect((await h.clinic.inject({ method: 'GET', url: '/auth/me', headers: bearer(s.accessToken) })).json().passwordChangeRequired).toBe(true);
  });
});
