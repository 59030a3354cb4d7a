import { randomUUID } from 'node:crypto';
import { AccessHarness, bearer, type SignedIn } from './support/access-harness';

/**
 * A request key the DTO does not declare is client text: `{"Maria_Lopez": true}` carries a name in
 * the key. It is refused (400) without being echoed, and it never reaches the append-only audit log.
 */
describe('unknown request keys: never echoed in 400 bodies, never kept in audit rows', () => {
  let h: AccessHarness;
  let clinic: string;
  let ortho: SignedIn;
  let support: SignedIn;
  let patient: string;
  // Distinctive, field-name-shaped canaries: the old code echoed exactly such keys.
  const KEY = `Maria_Lopez_${randomUUID().slice(0, 8)}`;
  const KEY_UUID = `Jane_Doe_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    h = await AccessHarness.start();
    clinic = await h.clinicId();
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    ortho = await h.signIn(user);
    support = await h.signIn(await h.createUser('backoffice', 'support'));
    patient = await h.patient(clinic, [user.id]);
  });
  afterAll(async () => h?.stop());

  const registration = () => ({
    name: { given: 'Ada', family: 'Lovelace' },
    dateOfBirth: '2011-05-17',
    contact: { email: 'ada@example.test', address: { lines: ['1 Street'], city: 'London', country: 'GB' } },
    chartNumber: 'C-1',
    careTeam: [] as object[],
  });

  async function refused(app: 'clinic' | 'admin', token: string, method: 'GET' | 'POST', url: string, payload?: object) {
    const res = await h[app].inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(KEY);
    expect(res.json().code).toBe('REQUEST.INVALID');
    return res.json().message as string;
  }

  it('clinic API: an unknown key at the top, in a nested object and in an array item is named by its place only', async () => {
    const body = registration();
    expect((await h.clinic.inject({ method: 'POST', url: '/patients', headers: bearer(ortho.accessToken), payload: body })).statusCode).toBe(201);

    expect(await refused('clinic', ortho.accessToken, 'POST', '/patients', { ...body, [KEY]: 1 })).toBe('body: unknown property');
    expect(await refused('clinic', ortho.accessToken, 'POST', '/patients', { ...body, name: { ...body.name, [KEY]: true } })).toBe('name: unknown property');
    const deep = { ...body, contact: { ...body.contact, address: { ...body.contact.address, [KEY]: 'x', [`${KEY}b`]: 'y' } } };
    expect(await refused('clinic', ortho.accessToken, 'POST', '/patients', deep)).toBe('contact.address: 2 unknown properties');
    const item = { ...body, careTeam: [{ userId: randomUUID(), role: 'dentist', [KEY]: randomUUID() }] };
    expect(await refused('clinic', ortho.accessToken, 'POST', '/patients', item)).toBe('careTeam.0: unknown property');
    // Declared properties are still named with what is wrong with them.
    const mixed = await refused('clinic', ortho.accessToken, 'POST', '/patients', { ...body, chartNumber: 7, [KEY]: 1 });
    expect(mixed.split('; ').sort()).toEqual(['body: unknown property', 'chartNumber must be a string', 'chartNumber must be longer than or equal to 1 and shorter than or equal to 64 characters'].sort());
  });

  it('clinic API: an unknown query-string key is named by its place only', async () => {
    expect((await h.clinic.inject({ method: 'GET', url: '/case-board?status=Open', headers: bearer(ortho.accessToken) })).statusCode).toBe(200);
    expect(await refused('clinic', ortho.accessToken, 'GET', `/case-board?status=Open&${KEY}=1`)).toBe('query: unknown property');
  });

  it('admin API: an unknown key, holding a value, an object or an array, is named by its place only', async () => {
    const user = { realm: 'backoffice', role: 'case_coordinator', email: `c.${randomUUID().slice(0, 6)}@example.test` };
    expect(await refused('admin', support.accessToken, 'POST', '/admin/users', { ...user, [KEY]: true })).toBe('body: unknown property');
    expect(await refused('admin', support.accessToken, 'POST', '/admin/users', { ...user, [KEY]: { [`${KEY}x`]: 1 } })).toBe('body: unknown property');
    expect(await refused('admin', support.accessToken, 'POST', '/admin/users', { ...user, [KEY]: [{ [`${KEY}x`]: 1 }] })).toBe('body: unknown property');
    // The back-office DTOs are flat: a key inside a declared scalar is that scalar's type error, not an echo.
    expect(await refused('admin', support.accessToken, 'POST', `/admin/users/${randomUUID()}/role`, { role: { [KEY]: 1 } })).toMatch(/^role must be one of the following values/);
    // A public route of the admin API (no guard) answers the same way.
    const login = await h.admin.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@example.test', password: 'x', [KEY]: 1 } });
    expect([login.statusCode, login.json().message]).toEqual([400, 'body: unknown property']);
    expect(login.body).not.toContain(KEY);
  });

  it('unknown keys holding a boolean or a UUID leave no trace in audit params; declared ids still do', async () => {
    const dentist = randomUUID();
    const foreignClinic = randomUUID();
    const cases: { app: 'clinic' | 'admin'; token: string; url: string; method: 'GET' | 'POST'; payload?: object; kept: Record<string, unknown> }[] = [
      {
        app: 'clinic', token: ortho.accessToken, method: 'POST', url: `/patients/${patient}/care-team`,
        payload: { userId: dentist, role: 'dentist', [KEY]: true, [KEY_UUID]: randomUUID() },
        kept: { 'path.patientId': patient, 'body.userId': dentist },
      },
      {
        app: 'admin', token: support.accessToken, method: 'POST', url: '/admin/users',
        payload: { realm: 'clinic', role: 'dentist', email: 'd@example.test', clinicId: foreignClinic, [KEY]: false, [KEY_UUID]: randomUUID() },
        kept: { 'body.clinicId': foreignClinic },
      },
      { app: 'clinic', token: ortho.accessToken, method: 'GET', url: `/case-board?${KEY}=true&${KEY_UUID}=${randomUUID()}`, kept: {} },
    ];
    for (const c of cases) {
      const correlation = randomUUID();
      const res = await h[c.app].inject({ method: c.method, url: c.url, headers: { ...bearer(c.token), 'x-correlation-id': correlation }, ...(c.payload ? { payload: c.payload } : {}) });
      expect(res.statusCode).toBe(400);
      const rows = await h.auditRows('correlation_id = $1', [correlation]);
      // The guard's row (written before validation) holds the request's params; the 400's error row holds none.
      expect(rows.map((r) => [r.outcome, r.status])).toEqual([['granted', null], ['error', 400]]);
      expect(JSON.stringify(rows)).not.toMatch(/Maria_Lopez|Jane_Doe/);
      expect(rows[0].params).toEqual({ ...c.kept, redacted: expect.any(Number) });
    }
  });

  it('a care-team list is kept as userId:role pairs (who was given access), and dropped whole when any member carries client text', async () => {
    const dentist = await h.createUser('clinic', 'dentist', clinic);
    const send = async (url: string, payload: object) => {
      const correlation = randomUUID();
      const res = await h.clinic.inject({ method: 'POST', url, headers: { ...bearer(ortho.accessToken), 'x-correlation-id': correlation }, payload });
      const [guard] = await h.auditRows('correlation_id = $1', [correlation]);
      return { res, params: guard.params as Record<string, unknown> };
    };

    const registered = await send('/patients', { ...registration(), careTeam: [{ userId: dentist.id, role: 'dentist' }] });
    expect(registered.res.statusCode).toBe(201);
    expect(registered.params['body.careTeam']).toBe(`${dentist.id}:dentist`);
    expect(JSON.stringify(registered.params)).not.toMatch(/Lovelace|Ada|2011/);

    // A transfer's row names the receiving team beside the receiving clinic.
    const patientId = registered.res.json().patientId as string;
    const otherClinic = await h.clinicId('Receiving Clinic');
    const receiving = await h.createUser('clinic', 'orthodontist', otherClinic);
    const transfer = await send(`/patients/${patientId}/transfers`, { toClinicId: otherClinic, reason: 'moved', careTeam: [{ userId: receiving.id, role: 'orthodontist' }] });
    expect(transfer.res.statusCode).toBeLessThan(300);
    expect(transfer.params).toEqual({ 'path.patientId': patientId, 'body.toClinicId': otherClinic, 'body.careTeam': `${receiving.id}:orthodontist`, redacted: 1 });

    // The guard sees the body before validation: a role or key the client chose drops the whole list.
    for (const member of [{ userId: dentist.id, role: KEY }, { userId: dentist.id, role: 'dentist', [KEY]: true }, { userId: KEY, role: 'dentist' }]) {
      const refusedList = await send('/patients', { ...registration(), careTeam: [{ userId: dentist.id, role: 'dentist' }, member] });
      expect(refusedList.res.statusCode).toBe(400);
      expect(refusedList.params['body.careTeam']).toBeUndefined();
      expect(JSON.stringify(refusedList.params)).not.toContain(KEY);
    }
  });
});
