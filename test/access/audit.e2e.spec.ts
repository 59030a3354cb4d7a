import { randomUUID } from 'node:crypto';
import { AuditChainKey, auditHead, type AuditRow, createIdentityServices, rowFromDb, verifyAuditChain } from '@ortholedger/access';
import { auditRowHash, unkeyedRowHash } from '../../libs/access/src/audit/audit-hash';
import { testRuntime } from '../support/test-runtime';
import type pg from 'pg';
import { AccessHarness, bearer, type SignedIn } from './support/access-harness';
import { ProbeController, probeCalls } from './support/probe.controller';

// The audit store down, as the app role sees it: its one way to append is taken away.
const REVOKE_APPEND = 'revoke execute on function access.append_audit_events from ortholedger_app';
const GRANT_APPEND = 'grant execute on function access.append_audit_events to ortholedger_app';

/** The audit log: one row per PHI access, fail-closed, append-only, tamper-evident. */
describe('audit log', () => {
  let h: AccessHarness;
  let clinic: string;
  let own: string;
  let foreign: string;
  let s: SignedIn;
  let userId: string;
  let admin: pg.Client;

  beforeAll(async () => {
    h = await AccessHarness.start({ controllers: [ProbeController] });
    clinic = await h.clinicId();
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    userId = user.id;
    s = await h.signIn(user);
    own = await h.patient(clinic, [user.id]);
    foreign = await h.patient(await h.clinicId('Other'));
    admin = await h.db.admin();
  });
  afterAll(async () => {
    await admin?.end();
    await h?.stop();
  });

  const read = (patient: string, correlation?: string) =>
    h.clinic.inject({ method: 'GET', url: `/probe/patients/${patient}`, headers: { ...bearer(s.accessToken), ...(correlation ? { 'x-correlation-id': correlation } : {}) } });

  it('N PHI accesses, granted and denied, make exactly N rows', async () => {
    const n = 60;
    const correlations = Array.from({ length: n }, () => randomUUID());
    const results = await Promise.all(correlations.map((c, i) => read(i % 3 === 0 ? foreign : own, c)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(40);
    expect(results.every((r) => r.headers['cache-control'] === 'no-store' && typeof r.headers['x-correlation-id'] === 'string')).toBe(true);
    expect(results.filter((r) => r.statusCode === 403)).toHaveLength(20);
    const rows = await h.auditRows('correlation_id = any($1)', [correlations]);
    expect(rows).toHaveLength(n);
    expect(rows.filter((r) => r.outcome === 'granted')).toHaveLength(40);
    expect(rows.filter((r) => r.outcome === 'denied' && r.status === 403 && r.reason === 'clinic_mismatch')).toHaveLength(20);
    expect(rows.every((r) => r.actor_id === userId && r.session_id === s.sessionId && r.role === 'orthodontist' && r.ip && r.realm === 'clinic')).toBe(true);
    expect((await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).ok).toBe(true);
  });

  it('a handler that fails after the grant adds an error row with the real status', async () => {
    const failing = randomUUID();
    const res = await h.clinic.inject({ method: 'POST', url: `/probe/patients/${own}/fail`, headers: { ...bearer(s.accessToken), 'x-correlation-id': failing } });
    expect(res.statusCode).toBe(404);
    const rows = await h.auditRows('correlation_id = $1', [failing]);
    expect(rows.map((r) => [r.outcome, r.status, r.reason])).toEqual([
      ['granted', null, 'ortho.patient.own'],
      ['error', 404, 'PATIENT.NOT_REGISTERED'],
    ]);
  });

  it('audit store down: 503 and no data on reads (granted and denied); a command never reaches its handler', async () => {
    await admin.query(REVOKE_APPEND);
    try {
      const before = probeCalls.count;
      for (const patient of [own, foreign]) {
        const res = await read(patient);
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({ code: 'AUDIT.UNAVAILABLE', message: 'The request could not be completed', correlationId: expect.any(String) });
        expect(res.body).not.toContain('PHI-PAYLOAD');
      }
      // A read's handler may have run while its row was being written; a denied one never did.
      const afterReads = probeCalls.count;
      expect(afterReads - before).toBeLessThanOrEqual(1);
      // A read whose handler sets the ETag: the 503 carries no trace of the resource.
      const tagged = await h.clinic.inject({ method: 'GET', url: `/probe/patients/${own}/revision`, headers: bearer(s.accessToken) });
      expect(tagged.statusCode).toBe(503);
      expect(tagged.headers.etag).toBeUndefined();
      expect(tagged.body).not.toContain('PHI-PAYLOAD');
      const afterTagged = probeCalls.count;
      const command = await h.clinic.inject({ method: 'POST', url: `/probe/patients/${own}/fail`, headers: bearer(s.accessToken) });
      expect(command.statusCode).toBe(503);
      expect(command.json().code).toBe('AUDIT.UNAVAILABLE');
      expect(probeCalls.count).toBe(afterTagged); // the command's handler did not run
    } finally {
      await admin.query(GRANT_APPEND);
    }
    expect((await read(own)).statusCode).toBe(200);
    const tagged = await h.clinic.inject({ method: 'GET', url: `/probe/patients/${own}/revision`, headers: bearer(s.accessToken) });
    expect([tagged.statusCode, tagged.headers.etag]).toEqual([200, '"7"']);
  });

  it('a read runs while its row commits, but its response waits for the commit; a command waits before its handler', async () => {
    // Hold the chain head: the guard's row cannot commit until this transaction ends.
    const holder = await h.db.admin();
    const correlation = randomUUID();
    const failing = randomUUID();
    try {
      await holder.query('begin');
      await holder.query('select seq from access.audit_head for update');
      const before = probeCalls.count;
      let readAnswered = false;
      let commandAnswered = false;
      const pendingRead = read(own, correlation).then((r) => ((readAnswered = true), r));
      const pendingCommand = h.clinic
        .inject({ method: 'POST', url: `/probe/patients/${own}/fail`, headers: { ...bearer(s.accessToken), 'x-correlation-id': failing } })
        .then((r) => ((commandAnswered = true), r));
      for (let i = 0; i < 100 && probeCalls.count === before; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      expect(probeCalls.count - before).toBe(1); // the read's handler ran; the command's has not
      expect(readAnswered).toBe(false);
      expect(commandAnswered).toBe(false);
      expect(await h.auditRows('correlation_id = any($1)', [[correlation, failing]])).toHaveLength(0);
      await holder.query('commit');
      const [res, command] = await Promise.all([pendingRead, pendingCommand]);
      expect(res.statusCode).toBe(200);
      expect(res.json().secret).toBe('PHI-PAYLOAD');
      expect(command.statusCode).toBe(404);
      expect(probeCalls.count - before).toBe(2);
      const rows = await h.auditRows('correlation_id = any($1)', [[correlation, failing]]);
      expect(rows.map((r) => [r.correlation_id, r.outcome])).toEqual(
        expect.arrayContaining([[correlation, 'granted'], [failing, 'granted'], [failing, 'error']]),
      );
      expect(rows).toHaveLength(3);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
    expect((await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).ok).toBe(true);
  });

  it('HEAD on a protected read is the same access: guarded, audited, and 503 without the ETag when the row cannot be written', async () => {
    const correlation = randomUUID();
    const head = (headers: Record<string, string>) => h.clinic.inject({ method: 'HEAD', url: `/probe/patients/${own}/revision`, headers });
    expect((await head({})).statusCode).toBe(401);
    const ok = await head({ ...bearer(s.accessToken), 'x-correlation-id': correlation });
    expect([ok.statusCode, ok.body, ok.headers.etag]).toEqual([200, '', '"7"']);
    expect((await h.auditRows('correlation_id = $1', [correlation])).map((r) => [r.action, r.outcome])).toEqual([['patient.read_demographics', 'granted']]);
    expect((await h.clinic.inject({ method: 'HEAD', url: `/probe/patients/${foreign}/revision`, headers: bearer(s.accessToken) })).statusCode).toBe(403);
    await admin.query(REVOKE_APPEND);
    try {
      const down = await head(bearer(s.accessToken));
      expect(down.statusCode).toBe(503);
      expect(down.headers.etag).toBeUndefined();
    } finally {
      await admin.query(GRANT_APPEND);
    }
  });

  it('request text with quotes, backslashes, braces, commas and NULL is stored as sent (rows travel as arrays) and the chain verifies', async () => {
    const correlation = randomUUID();
    const agent = 'Agent "quoted" \\ back\\slash {a,b} NULL, \'single\'';
    const res = await h.clinic.inject({
      method: 'GET', url: `/probe/patients/${own}`, headers: { ...bearer(s.accessToken), 'x-correlation-id': correlation, 'user-agent': agent },
    });
    expect(res.statusCode).toBe(200);
    const rows = await h.auditRows('correlation_id = $1', [correlation]);
    expect(rows.map((r) => r.user_agent)).toEqual([agent]);
    expect((await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).ok).toBe(true);
  });

  it('a decision that cannot be made (tampered case stream) is 503 with an error row naming the cause', async () => {
    const correlation = randomUUID();
    const before = probeCalls.count;
    const res = await h.clinic.inject({ method: 'GET', url: `/probe/tampered/${own}`, headers: { ...bearer(s.accessToken), 'x-correlation-id': correlation } });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('PHI-PAYLOAD');
    expect(probeCalls.count).toBe(before);
    const rows = await h.auditRows('correlation_id = $1', [correlation]);
    expect(rows.map((r) => [r.action, r.outcome, r.status, r.reason])).toEqual([['patient.read_demographics', 'error', 503, 'CRYPTO.TAMPER_DETECTED']]);
  });

  it('rows cannot be changed through SQL, not even by the owner', async () => {
    for (const statement of ['update access.audit_events set outcome = $$granted$$', 'delete from access.audit_events', 'truncate access.audit_events']) {
      await expect(h.db.pools.app.query(statement)).rejects.toThrow();
      await expect(h.db.pools.owner.query(statement)).rejects.toThrow(/append-only/);
    }
    await expect(h.db.pools.owner.query('update access.audit_head set seq = 0')).rejects.toThrow(/forwards/);
  });

  describe('the app role (a compromised API process, an SQL injection) appends only through access.append_audit_events', () => {
    const COLUMNS = [
      'seq', 'at', 'realm', 'actor_id', 'role', 'session_id', 'action', 'resource_type', 'resource_id', 'patient_id',
      'outcome', 'status', 'reason', 'ip', 'user_agent', 'correlation_id', 'purpose', 'break_glass', 'params',
      'policy_version', 'prev_hash', 'hash',
    ];
    // A row shaped like the last one, at a position and with links of the test's choosing.
    const forge = async (at: number, prevHash: string, hash: string) => {
      const head = await auditHead(h.db.pools.app);
      const { rows } = await admin.query('select * from access.audit_events where seq = $1', [head.seq]);
      return { ...rows[0], seq: at, prev_hash: prevHash, hash };
    };
    const insertAsApp = (row: Record<string, unknown>) =>
      h.db.pools.app.query(`insert into access.audit_events (${COLUMNS.join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, COLUMNS.map((c) => (c === 'params' && row[c] ? JSON.stringify(row[c]) : row[c])));
    const appendAsApp = (rows: Record<string, unknown>[]) =>
      h.db.pools.app.query(`select * from access.append_audit_events(${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, COLUMNS.map((c) => rows.map((r) => (c === 'params' && r[c] ? JSON.stringify(r[c]) : r[c]))));
    const rowsAfter = async (seq: number) => (await admin.query('select count(*)::int as n from access.audit_events where seq > $1', [seq])).rows[0].n;

    it('a stray row at head+1 (which jammed every later write) and a head pushed over a gap are refused', async () => {
      const head = await auditHead(h.db.pools.app);
      await expect(insertAsApp(await forge(head.seq + 1, head.hash, 'ab'.repeat(32)))).rejects.toMatchObject({ code: '42501' });
      await expect(h.db.pools.app.query('update access.audit_head set seq = seq + 1000')).rejects.toMatchObject({ code: '42501' });
      // Nor can it hold the head's lock with a plain SELECT ... FOR UPDATE (that needs UPDATE).
      await expect(h.db.pools.app.query('select seq from access.audit_head for update')).rejects.toMatchObject({ code: '42501' });
      expect(await auditHead(h.db.pools.app)).toEqual(head);
      expect((await read(own)).statusCode).toBe(200);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: true, checked: head.seq + 1 });
    });

    it('the function refuses a batch off the head, unlinked or not contiguous; the log stays writable and verifies', async () => {
      const head = await auditHead(h.db.pools.app);
      const a = 'a'.repeat(64);
      const b = 'b'.repeat(64);
      // Not at the head (a stale writer would get the same answer): nothing written, the current head back.
      for (const rows of [[await forge(head.seq + 1, 'f'.repeat(64), a)], [await forge(head.seq + 2, head.hash, a)], [await forge(head.seq, head.hash, a)]]) {
        const { rows: [answer] } = await appendAsApp(rows);
        expect(answer).toEqual({ appended: false, head_seq: String(head.seq), head_hash: head.hash });
      }
      // At the head but malformed: an error, nothing written.
      const first = await forge(head.seq + 1, head.hash, a);
      await expect(appendAsApp([first, await forge(head.seq + 3, a, b)])).rejects.toThrow(/not contiguous/);
      await expect(appendAsApp([first, await forge(head.seq + 2, 'c'.repeat(64), b)])).rejects.toThrow(/does not link/);
      await expect(appendAsApp([first, await forge(head.seq + 1, a, b)])).rejects.toThrow(/not contiguous/);
      await expect(appendAsApp([await forge(head.seq + 1, head.hash, 'not-a-digest')])).rejects.toThrow(/digest/);
      expect(await auditHead(h.db.pools.app)).toEqual(head);
      expect(await rowsAfter(head.seq)).toBe(0);

      const receipt = await h.identity.audit.record({ action: 'test.after_refusals', outcome: 'granted' });
      expect(receipt.seq).toBe(head.seq + 1);
      expect((await read(own)).statusCode).toBe(200);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: true, checked: head.seq + 2 });
    });

    it('nobody else may call the function', async () => {
      const { rows } = await admin.query(`
        select p.prosecdef, r.rolname as owner, has_function_privilege('public', p.oid, 'execute') as public_execute, p.proconfig
          from pg_proc p join pg_roles r on r.oid = p.proowner where p.oid = 'access.append_audit_events'::regproc`);
      expect(rows[0]).toMatchObject({ prosecdef: true, public_execute: false, proconfig: ['search_path=access, pg_temp'] });
    });
  });

  describe('tampering is found by verify at the right position', () => {
    let k: number;
    // The attacker has superuser-like access and switches the trigger off for the edit.
    const asAttacker = async (sql: string, params: unknown[] = []) => {
      await admin.query('begin');
      await admin.query('alter table access.audit_events disable trigger user');
      await admin.query(sql, params);
      await admin.query('alter table access.audit_events enable trigger user');
      await admin.query('commit');
    };

    beforeAll(async () => {
      for (let i = 0; i < 20; i++) await read(i % 2 ? own : foreign);
      const head = await auditHead(h.db.pools.app);
      k = head.seq - 10;
      expect((await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).ok).toBe(true);
    });

    afterEach(async () => {
      expect((await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).ok).toBe(true); // each case restores the row
    });

    it('an edited row', async () => {
      const { rows } = await admin.query('select outcome, status from access.audit_events where seq = $1', [k]);
      await asAttacker("update access.audit_events set outcome = case when outcome = 'granted' then 'denied' else 'granted' end, status = 200 where seq = $1", [k]);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k, problem: 'hash_mismatch', checked: k - 1 });
      await asAttacker('update access.audit_events set outcome = $2, status = $3 where seq = $1', [k, rows[0].outcome, rows[0].status]);
    });

    it('an edited row whose hash the attacker recomputed breaks the next link', async () => {
      const { rows } = await admin.query('select hash from access.audit_events where seq = $1', [k]);
      await asAttacker("update access.audit_events set hash = repeat('a', 64) where seq = $1", [k]);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k });
      await asAttacker('update access.audit_events set hash = $2 where seq = $1', [k, rows[0].hash]);
    });

    it('a deleted row', async () => {
      const { rows } = await admin.query('select * from access.audit_events where seq = $1', [k]);
      await asAttacker('delete from access.audit_events where seq = $1', [k]);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k, problem: 'missing_row' });
      const cols = Object.keys(rows[0]);
      await asAttacker(`insert into access.audit_events (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')})`, cols.map((c) => (c === 'params' && rows[0][c] ? JSON.stringify(rows[0][c]) : rows[0][c])));
    });

    it('two rows swapped (reordered)', async () => {
      const j = k + 3;
      const swap = async () => {
        await asAttacker('update access.audit_events set seq = -1 where seq = $1', [k]);
        await asAttacker('update access.audit_events set seq = $1 where seq = $2', [k, j]);
        await asAttacker('update access.audit_events set seq = $1 where seq = -1', [j]);
      };
      await admin.query('alter table access.audit_events drop constraint audit_events_seq_check');
      try {
        await swap();
        expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k });
        await swap();
      } finally {
        await admin.query('alter table access.audit_events add constraint audit_events_seq_check check (seq > 0)');
      }
    });

    it('a row edited and every hash after it recomputed, head included, without the chain key', async () => {
      // The attack a plain hash chain cannot see: the attacker knows the algorithm and rewrites the links.
      const { rows: original } = await admin.query('select * from access.audit_events where seq >= $1 order by seq', [k]);
      const { rows: [headBefore] } = await admin.query('select seq, hash from access.audit_head');
      const { rows: [before] } = await admin.query('select hash from access.audit_events where seq = $1', [k - 1]);
      const forged: { -readonly [K in keyof AuditRow]: AuditRow[K] }[] = original.map((r) => ({ ...rowFromDb(r) }));
      forged[0] = { ...forged[0], outcome: forged[0].outcome === 'granted' ? 'denied' : 'granted' };
      let prev: string = before.hash;
      for (const row of forged) {
        row.prevHash = prev;
        row.hash = unkeyedRowHash(row, prev);
        prev = row.hash;
      }
      const rewrite = async (rows: typeof forged, head: { seq: number; hash: string }) => {
        for (const row of rows) await asAttacker('update access.audit_events set outcome = $2, prev_hash = $3, hash = $4 where seq = $1', [row.seq, row.outcome, row.prevHash, row.hash]);
        await admin.query('begin');
        await admin.query('alter table access.audit_head disable trigger user');
        await admin.query('update access.audit_head set hash = $2 where seq = $1', [head.seq, head.hash]);
        await admin.query('alter table access.audit_head enable trigger user');
        await admin.query('commit');
      };
      await rewrite(forged, { seq: headBefore.seq, hash: prev });
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k, problem: 'unkeyed_row', checked: k - 1 });
      // A MAC under any other key fails the same way.
      const other = new AuditChainKey(Buffer.alloc(32, 9));
      prev = before.hash;
      for (const row of forged) {
        row.prevHash = prev;
        row.hash = auditRowHash(row, prev, other);
        prev = row.hash;
      }
      await rewrite(forged, { seq: headBefore.seq, hash: prev });
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: k, problem: 'hash_mismatch' });
      await rewrite(original.map((r) => rowFromDb(r)), { seq: headBefore.seq, hash: headBefore.hash });
    });

    it('verify carries on past a break: two separate breaks are both reported, and the rows between and after them are checked', async () => {
      const head = await auditHead(h.db.pools.app);
      const { rows: [edited] } = await admin.query('select outcome, status from access.audit_events where seq = $1', [k]);
      const { rows: [deleted] } = await admin.query('select * from access.audit_events where seq = $1', [k + 5]);
      await asAttacker("update access.audit_events set outcome = case when outcome = 'granted' then 'denied' else 'granted' end, status = 200 where seq = $1", [k]);
      await asAttacker('delete from access.audit_events where seq = $1', [k + 5]);
      try {
        expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toEqual({
          ok: false, checked: k - 1, head, brokenAt: k, problem: 'hash_mismatch', scanned: head.seq - 1, breakCount: 2,
          breaks: [{ at: k, problem: 'hash_mismatch' }, { at: k + 5, problem: 'missing_row', through: k + 5 }],
        });
        // Bounded: the first N breaks are listed, all of them counted.
        expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain, { maxBreaks: 1 })).toMatchObject({
          ok: false, brokenAt: k, breakCount: 2, breaks: [{ at: k, problem: 'hash_mismatch' }],
        });
      } finally {
        await asAttacker('update access.audit_events set outcome = $2, status = $3 where seq = $1', [k, edited.outcome, edited.status]);
        const cols = Object.keys(deleted);
        await asAttacker(`insert into access.audit_events (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')})`, cols.map((c) => (c === 'params' && deleted[c] ? JSON.stringify(deleted[c]) : deleted[c])));
      }
    });

    it('the tail cut off (rows deleted at the end) disagrees with the head', async () => {
      const head = await auditHead(h.db.pools.app);
      const { rows } = await admin.query('select * from access.audit_events where seq = $1', [head.seq]);
      await asAttacker('delete from access.audit_events where seq = $1', [head.seq]);
      expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: false, brokenAt: head.seq, problem: 'head_mismatch' });
      const cols = Object.keys(rows[0]);
      await asAttacker(`insert into access.audit_events (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')})`, cols.map((c) => (c === 'params' && rows[0][c] ? JSON.stringify(rows[0][c]) : rows[0][c])));
    });
  });

  it('200 concurrent appends from two app instances keep one contiguous chain', async () => {
    const { identity } = h;
    const before = await auditHead(h.db.pools.app);
    // A second, independent writer (as the other API process would be) on the same table.
    const second = await createIdentityServices(testRuntime(h.db), { clock: h.clock });
    const writers = [identity.audit, second.audit];
    await Promise.all(Array.from({ length: 200 }, (_, i) => writers[i % 2].record({ action: 'test.concurrent', outcome: 'granted' })));
    const after = await auditHead(h.db.pools.app);
    expect(after.seq - before.seq).toBe(200);
    expect(await verifyAuditChain(h.db.pools.app, h.identity.keyring.auditChain)).toMatchObject({ ok: true, checked: after.seq });
  });
});
