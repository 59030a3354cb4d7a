import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';
import { ProbeController, probeCalls } from './support/probe.controller';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Forged and misused tokens against a protected PHI route and an authenticated-only route of the
 * real apps. Every one must get 401 and never reach a handler.
 */
describe('JWT misuse: every forged or misused token gets 401', () => {
  let h: AccessHarness;
  let user: TestUser;
  let session: SignedIn;
  let patient: string;
  let clinicKey: string;
  let clinicPublic: string;
  let kid: string;
  let claims: Record<string, unknown>;
  const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const forged: Array<[string, () => Promise<string | undefined>]> = [];

  beforeAll(async () => {
    h = await AccessHarness.start({ controllers: [ProbeController] });
    const clinic = await h.clinicId();
    user = await h.createUser('clinic', 'orthodontist', clinic);
    session = await h.signIn(user);
    patient = await h.patient(clinic, [user.id]);
    clinicKey = fs.readFileSync(path.join(h.identity.config.keys.clinic.privateKeyFile), 'utf8');
    const decoded = jwt.decode(session.accessToken, { complete: true })!;
    kid = decoded.header.kid as string;
    claims = decoded.payload as Record<string, unknown>;
    clinicPublic = createPublicKey(clinicKey).export({ type: 'spki', format: 'pem' }) as string;
  });
  afterAll(async () => h?.stop());

  const now = () => Math.floor(h.clock.now().getTime() / 1000);
  const sign = (payload: object, options: jwt.SignOptions = {}, key: string | jwt.Secret = clinicKey) =>
    jwt.sign(payload, key, { algorithm: 'ES256', keyid: kid, ...options });

  forged.push(
    ['no token at all', async () => undefined],
    ['garbage', async () => 'not.a.jwt'],
    ['alg none (unsigned)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg none with kid', async () => `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.`],
    ['HS256 signed with the public key as HMAC secret', async () => {
      const header = b64({ alg: 'HS256', typ: 'JWT', kid });
      const body = b64(claims);
      const mac = createHmac('sha256', clinicPublic).update(`${header}.${body}`).digest('base64url');
      return `${header}.${body}.${mac}`;
    }],
    ['payload edited (role) under the original signature', async () => {
      const [header, , signature] = session.accessToken.split('.');
      return `${header}.${b64({ ...claims, role: 'platform_admin' })}.${signature}`;
    }],
    ['signed by another P-256 key with our kid', async () => sign(claims, {}, attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)],
    ['jku header pointing at the attacker', async () => sign(claims, { header: { alg: 'ES256', kid, jku: 'https://evil.example/jwks.json' } as jwt.JwtHeader }, attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)],
    ['jwk header embedding the attacker key', async () => sign(claims, { header: { alg: 'ES256', kid, jwk: attacker.publicKey.export({ format: 'jwk' }) } as unknown as jwt.JwtHeader }, attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)],
    ['jku header on a token signed with our real key', async () => sign(claims, { header: { alg: 'ES256', kid, jku: 'https://evil.example/jwks.json' } as jwt.JwtHeader })],
    ['x5u header', async () => sign(claims, { header: { alg: 'ES256', kid, x5u: 'https://evil.example/cert.pem' } as jwt.JwtHeader })],
    ['kid injection (path traversal)', async () => sign(claims, { keyid: '../../../../dev/null' })],
    ['wrong audience', async () => sign({ ...claims, aud: 'ortholedger-backoffice-api' })],
    ['wrong issuer', async () => sign({ ...claims, iss: 'urn:evil' })],
    ['expired', async () => sign({ ...claims, iat: now() - 600, nbf: now() - 600, exp: now() - 300 })],
    ['not yet valid (future nbf)', async () => sign({ ...claims, iat: now(), nbf: now() + 600, exp: now() + 900 })],
    ['missing exp', async () => {
      const { exp: _dropped, ...rest } = claims;
      return sign(rest);
    }],
    ['lifetime longer than we ever issue', async () => sign({ ...claims, iat: now(), nbf: now(), exp: now() + 86400 })],
    ['mfa claim false', async () => sign({ ...claims, mfa: false })],
    ['other clinic in the clinic claim', async () => sign({ ...claims, clinic: randomUUID() })],
    ['unknown session id', async () => sign({ ...claims, sid: randomUUID(), jti: randomUUID() })],
    ['refresh token used as access token', async () => session.refreshToken],
    ['MFA challenge token used as access token', async () => {
      const login = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
      return login.json().challengeToken as string;
    }],
    ['back-office realm token on the clinic API', async () => {
      const support = await h.createUser('backoffice', 'support');
      return (await h.signIn(support)).accessToken;
    }],
    ['token of a logged-out session', async () => {
      const other = await h.signIn(user);
      const out = await h.clinic.inject({ method: 'POST', url: '/auth/logout', headers: bearer(other.accessToken) });
      expect(out.statusCode).toBe(204);
      return other.accessToken;
    }],
    ['token of a disabled user', async () => {
      const victim = await h.createUser('clinic', 'orthodontist', user.clinicId);
      const s = await h.signIn(victim);
      await h.careTeam.addMember(patient, victim.id);
      await h.identity.users.disable(victim.id, { realm: 'cli', role: 'engineer' });
      return s.accessToken;
    }],
  );

  it(`${forged.length} forged or misused tokens: 100% refused with 401 before any handler`, async () => {
    // The genuine token works, so every refusal below is about the token alone.
    const ok = await h.clinic.inject({ method: 'GET', url: `/probe/patients/${patient}`, headers: bearer(session.accessToken) });
    expect(ok.statusCode).toBe(200);
    const results: Array<{ name: string; probe: number; me: number }> = [];
    for (const [name, make] of forged) {
      const token = await make();
      const headers = token === undefined ? {} : bearer(token);
      const before = probeCalls.count;
      const probe = await h.clinic.inject({ method: 'GET', url: `/probe/patients/${patient}`, headers });
      const me = await h.clinic.inject({ method: 'GET', url: '/auth/me', headers });
      expect(probeCalls.count).toBe(before);
      expect(probe.body).not.toContain('PHI-PAYLOAD');
      expect(probe.json()).toEqual({ code: expect.stringMatching(/^AUTH\./), message: expect.any(String), correlationId: expect.any(String) });
      results.push({ name, probe: probe.statusCode, me: me.statusCode });
    }
    const refused = results.filter((r) => r.probe === 401 && r.me === 401).length;
    console.info(`JWT misuse: ${refused}/${results.length} refused with 401 on both routes`);
    expect(results.filter((r) => r.probe !== 401 || r.me !== 401)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(12);
  });

  it('a clinic token is refused by the admin API, and every refusal on a PHI route is audited', async () => {
    const res = await h.admin.inject({ method: 'GET', url: '/auth/me', headers: bearer(session.accessToken) });
    expect(res.statusCode).toBe(401);
    const rows = await h.auditRows("action = 'patient.read_demographics' and outcome = 'denied' and status = 401");
    expect(rows.length).toBe(forged.length);
  });
});
