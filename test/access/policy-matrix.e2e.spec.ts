import { ALL_ROLES, RESOURCE_ACTIONS, type Resource, type Role, roleBelongsTo } from '@ortholedger/access';
import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';
import { matrixController, SearchController } from './support/matrix.controller';

/*
 * The expected table, written out by hand from DOMAIN.md's roles (not derived from the policy
 * file). Scope: 'team' = own patients only (care team / assigned), 'clinic' = any patient of the
 * user's clinic, 'any' = every patient. Anything not listed is denied.
 */
type Scope = 'team' | 'clinic' | 'any';
const CASE_CLINICAL = ['open', 'read', 'read_clinical', 'record_findings', 'attach_scan', 'approve_plan', 'request_revision', 'order', 'record_progress', 'complete', 'cancel', 'correct'];
const each = (resource: string, actions: string[], scope: Scope) => Object.fromEntries(actions.map((a) => [`${resource}.${a}`, scope]));
const EXPECTED: Record<Role, Record<string, Scope>> = {
  orthodontist: {
    'patient.register': 'clinic',
    ...each('patient', ['read_demographics', 'correct', 'manage_care_team', 'record_consent', 'transfer'], 'team'),
    'patient.take_over': 'clinic', // only a care team left without an active clinician: the handler checks
    ...each('case', CASE_CLINICAL, 'team'),
  },
  dentist: {
    'patient.register': 'clinic',
    ...each('patient', ['read_demographics', 'correct', 'manage_care_team', 'record_consent'], 'team'),
    'patient.take_over': 'clinic',
    ...each('case', CASE_CLINICAL, 'team'),
  },
  clinic_staff: {
    ...each('patient', ['register', 'read_demographics', 'correct', 'record_consent'], 'clinic'),
    ...each('case', ['read', 'attach_scan'], 'clinic'),
  },
  case_coordinator: each('case', ['read', 'assign_planner'], 'any'),
  treatment_planner: { ...each('case', ['read', 'read_clinical'], 'team'), 'treatment_plan.propose': 'team' },
  support: { 'users.manage': 'any' },
  compliance_officer: { 'audit.read': 'any', 'consent_report.read': 'any' },
  platform_admin: { 'keys.manage': 'any', 'projections.manage': 'any' },
};

type Relation = 'own' | 'same_clinic' | 'other_clinic';
const RELATIONS: Relation[] = ['own', 'same_clinic', 'other_clinic'];
const NETWORK = { clinic: '10.10.1.1', backoffice: '10.20.1.1' } as const;
const BLOCKED_IP = '192.0.2.1';
/**
 * A blocked cell's address: one per cell, outside both networks, so each refusal is the first of its
 * address (the gate records up to 100 per address and minute one by one, then counts the rest).
 */
let blockedCells = 0;
const blockedIp = () => `2001:db8:99::${(++blockedCells).toString(16)}`;
const INSIDE = Date.parse('2025-03-12T11:55:00Z');
const OUTSIDE = Date.parse('2025-03-12T12:05:00Z');
/** Later cases start on later days: TOTP steps only move forwards. */
const DAY = 24 * 3600_000;

function expected(role: Role, key: string, relation: Relation, inside: boolean, ipAllowed: boolean): boolean {
  const scope = EXPECTED[role][key];
  if (!scope || !inside || !ipAllowed) return false;
  return scope === 'any' || relation === 'own' || (scope === 'clinic' && relation === 'same_clinic');
}

// Hundreds of argon2id verifications / HTTP round trips: generous on a busy CI machine.
jest.setTimeout(240_000);

describe('access policy matrix', () => {
  let h: AccessHarness;
  let clinicA: string;
  let clinicB: string;
  const users = new Map<Role, TestUser>();
  const sessions = new Map<Role, SignedIn>();
  const patients = {} as Record<Relation, { id: string; clinic: string }>;

  beforeAll(async () => {
    h = await AccessHarness.start({
      controllers: [matrixController(), SearchController],
      env: {
        ACCESS_HOURS_CLINIC: 'mon-sun 00:00-12:00 UTC', ACCESS_HOURS_BACKOFFICE: 'mon-sun 00:00-12:00 UTC',
        ACCESS_NETWORKS_CLINIC: '10.10.0.0/16,2001:db8:10::/48', ACCESS_NETWORKS_BACKOFFICE: '10.20.0.0/16',
        ACCESS_TOKEN_TTL_SECONDS: '900',
      },
    });
    h.clock.set(Date.parse('2025-03-12T11:45:00Z'));
    clinicA = await h.clinicId('Clinic A');
    clinicB = await h.clinicId('Clinic B');
    for (const role of ALL_ROLES) {
      const clinic = roleBelongsTo(role, 'clinic') ? clinicA : undefined;
      const user = await h.createUser(clinic ? 'clinic' : 'backoffice', role, clinic);
      users.set(role, user);
      sessions.set(role, await h.signIn(user, { ip: NETWORK[user.realm] }));
    }
    const everyone = [...users.values()].map((u) => u.id);
    patients.own = { id: await h.patient(clinicA, everyone), clinic: clinicA };
    patients.same_clinic = { id: await h.patient(clinicA), clinic: clinicA };
    patients.other_clinic = { id: await h.patient(clinicB), clinic: clinicB };
  });
  afterAll(async () => h?.stop());

  it('every role x action x patient relation x time window x IP matches the expected table', async () => {
    const keys = (Object.entries(RESOURCE_ACTIONS) as Array<[Resource, readonly string[]]>).flatMap(([r, actions]) => actions.map((a) => `${r}.${a}`));
    const mismatches: string[] = [];
    let cells = 0;
    let allowedCells = 0;
    let insideCells = 0;
    const auditBefore = (await h.auditRows()).length;
    for (const [phase, at] of [['inside', INSIDE], ['outside', OUTSIDE]] as const) {
      h.clock.set(at);
      if (phase === 'outside') {
        // Tokens from sign-in are older than their 15 minutes by now; rotate them as a client would.
        for (const role of ALL_ROLES) {
          const app = h.app(users.get(role)!.realm);
          const r = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: sessions.get(role)!.refreshToken }, remoteAddress: NETWORK[users.get(role)!.realm] });
          expect(r.statusCode).toBe(200);
          sessions.set(role, r.json());
        }
      }
      for (const role of ALL_ROLES) {
        const user = users.get(role)!;
        const app = h.app(user.realm);
        for (const ipAllowed of [true, false]) {
          for (const relation of RELATIONS) {
            const p = patients[relation];
            for (const key of keys) {
              const [resource, action] = key.split('.');
              const res = await app.inject({
                method: 'GET', url: `/matrix/${resource}/${action}/${p.id}/${p.clinic}`, headers: bearer(sessions.get(role)!.accessToken),
                remoteAddress: ipAllowed ? NETWORK[user.realm] : blockedIp(),
              });
              const want = expected(role, key, relation, phase === 'inside', ipAllowed);
              const got = res.statusCode === 200 ? true : res.statusCode === 403 ? false : `status ${res.statusCode}`;
              cells += 1;
              if (ipAllowed) insideCells += 1;
              if (want) allowedCells += 1;
              if (got !== want) mismatches.push(`${role} ${key} ${relation} ${phase} ip=${ipAllowed}: expected ${want}, got ${got}`);
            }
          }
        }
      }
    }
    console.info(`policy matrix: ${cells - mismatches.length}/${cells} cells match (${allowedCells} granted, ${cells - allowedCells} denied)`);
    expect(mismatches).toEqual([]);

    // Every decision, granted or denied, left exactly one row; denials carry 403 and a reason. A
    // request from outside the realm's network never reaches the policy: the network gate refuses
    // it first, with its own row naming the route.
    const fresh = (await h.auditRows()).slice(auditBefore);
    const gated = fresh.filter((r) => r.reason === 'ip_not_allowed');
    expect(gated).toHaveLength(cells - insideCells);
    expect(gated.every((r) => r.outcome === 'denied' && r.status === 403 && r.action.startsWith('route:GET:matrix.') && r.ip.startsWith('2001:db8:99::'))).toBe(true);
    const rows = fresh.filter((r) => keys.includes(r.action));
    expect(rows).toHaveLength(insideCells);
    const denied = rows.filter((r) => r.outcome === 'denied');
    expect(denied).toHaveLength(insideCells - allowedCells);
    expect(denied.every((r) => r.status === 403 && typeof r.reason === 'string' && r.policy_version === '2025-2')).toBe(true);
    expect(rows.filter((r) => r.outcome === 'granted')).toHaveLength(allowedCells);
  });

  it('a clinic user on the care team of another clinic\'s patient is still refused', async () => {
    h.clock.set(INSIDE + DAY);
    const ortho = users.get('orthodontist')!;
    const foreign = await h.patient(clinicB, [ortho.id]);
    const s = await h.signIn(ortho, { ip: NETWORK.clinic, changePassword: false });
    const res = await h.clinic.inject({ method: 'GET', url: `/matrix/case/read_clinical/${foreign}/${clinicB}`, headers: bearer(s.accessToken), remoteAddress: NETWORK.clinic });
    expect(res.statusCode).toBe(403);
    const [row] = await h.auditRows('patient_id = $1', [foreign]);
    expect(row).toMatchObject({ outcome: 'denied', reason: 'clinic_mismatch' });
  });

  it('break-glass: time-boxed, categorised, flagged in the audit, refused to roles without it', async () => {
    h.clock.set(INSIDE + 2 * DAY);
    const planner = users.get('treatment_planner')!;
    let s = await h.signIn(planner, { ip: NETWORK.backoffice, changePassword: false });
    const url = `/matrix/case/read_clinical/${patients.other_clinic.id}/${clinicB}`;
    const get = (ip: string) => h.admin.inject({ method: 'GET', url, headers: bearer(s.accessToken), remoteAddress: ip });
    // Rotate tokens as a client would (they live 15 minutes here); the session stays alive by use,
    // a request after each refresh (a refresh alone is not activity).
    const later = async (minutes: number) => {
      h.clock.advance(minutes * 60_000);
      const r = await h.admin.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: s.refreshToken }, remoteAddress: NETWORK.backoffice });
      expect(r.statusCode).toBe(200);
      s = r.json();
      await get(NETWORK.backoffice);
    };
    expect((await get(NETWORK.backoffice)).statusCode).toBe(403);
    const bad = await h.admin.inject({ method: 'POST', url: '/auth/break-glass', headers: bearer(s.accessToken), payload: { reason: 'patient_safety', ticket: 'Jane Doe called' }, remoteAddress: NETWORK.backoffice });
    expect(bad.statusCode).toBe(400); // free text is refused: it would carry PHI into the audit log
    const grant = await h.admin.inject({ method: 'POST', url: '/auth/break-glass', headers: bearer(s.accessToken), payload: { reason: 'patient_safety', ticket: 'INC-4711' }, remoteAddress: NETWORK.backoffice });
    expect(grant.statusCode).toBe(200);
    expect((await get(NETWORK.backoffice)).statusCode).toBe(200);
    expect((await get(BLOCKED_IP)).statusCode).toBe(403); // the network still applies (the gate, before the policy)
    const [flagged] = await h.auditRows("action = 'case.read_clinical' and break_glass and outcome = 'granted'");
    expect(flagged).toMatchObject({ purpose: 'patient_safety:INC-4711', actor_id: planner.id, reason: 'breakglass.case.read' });
    await later(10);
    await later(10);
    await later(9);
    expect((await get(NETWORK.backoffice)).statusCode).toBe(200); // 29 minutes in, after hours: still open
    await later(3);
    expect((await get(NETWORK.backoffice)).statusCode).toBe(403); // 32 minutes: the 30-minute grant is over

    const support = await h.signIn(users.get('support')!, { ip: NETWORK.backoffice, changePassword: false });
    const refused = await h.admin.inject({
      method: 'POST', url: '/auth/break-glass', headers: bearer(support.accessToken), payload: { reason: 'clinic_request', ticket: 'SUP-1' }, remoteAddress: NETWORK.backoffice,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('ACCESS.BREAK_GLASS_NOT_ALLOWED');
  });

  it('searches get the query filter: clinic scope, care-team scope, or 403', async () => {
    h.clock.set(INSIDE + 3 * DAY);
    const search = async (role: Role) => {
      const s = await h.signIn(users.get(role)!, { ip: NETWORK[users.get(role)!.realm], changePassword: false });
      const app = h.app(users.get(role)!.realm);
      return app.inject({ method: 'GET', url: '/matrix/search/patients', headers: bearer(s.accessToken), remoteAddress: NETWORK[users.get(role)!.realm] });
    };
    expect((await search('clinic_staff')).json().scopes).toEqual([{ clinicId: clinicA }]);
    expect((await search('orthodontist')).json().scopes).toEqual([{ clinicId: clinicA, careTeamMember: users.get('orthodontist')!.id }]);
    expect((await search('support')).statusCode).toBe(403);
  });
});
