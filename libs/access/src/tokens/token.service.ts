import { type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessConfig } from '../access.config';
import { AccessError } from '../access.errors';
import type { Clock } from '../clock';
import type { RealmSigningKey } from '../keys/jwt-keys';
import { isRole, isUuid, type Realm, roleBelongsTo } from '../realm';
import type { TokenClaims, TokenType } from './token.types';

const ALLOWED_HEADER_KEYS = new Set(['alg', 'typ', 'kid']);

/**
 * Refuses any header that could steer key selection (jku, jwk, x5u, x5c, crit, a foreign kid) or
 * the algorithm, before a signature is even checked. Returns the realm's public key otherwise.
 */
export function checkTokenHeader(rawToken: string, key: RealmSigningKey): KeyObject {
  const [encoded] = rawToken.split('.');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(encoded ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('malformed token header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('malformed token header');
  for (const name of Object.keys(header)) if (!ALLOWED_HEADER_KEYS.has(name)) throw new Error('token header not allowed');
  if (header.alg !== 'ES256' || header.typ !== 'JWT' || header.kid !== key.kid) throw new Error('token header not allowed');
  return key.publicKey;
}

/** Signs and (outside passport) verifies the tokens of one realm. */
export class TokenService {
  readonly issuer: string;
  readonly audience: string;

  constructor(
    readonly realm: Realm,
    private readonly key: RealmSigningKey,
    private readonly config: AccessConfig,
    private readonly clock: Clock,
  ) {
    this.issuer = `${config.issuerBase}:${realm}`;
    this.audience = `ortholedger-${realm}-api`;
  }

  get publicKeyPem(): string {
    return this.key.publicKeyPem;
  }

  get kid(): string {
    return this.key.kid;
  }

  sign(typ: TokenType, claims: Omit<TokenClaims, 'iss' | 'aud' | 'iat' | 'nbf' | 'exp' | 'typ' | 'realm' | 'jti'> & { jti?: string }, lifetimeSeconds: number): { token: string; expiresAt: Date; jti: string } {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const jti = claims.jti ?? randomUUID();
    const payload: TokenClaims = { ...claims, jti, iss: this.issuer, aud: this.audience, iat: now, nbf: now, exp: now + lifetimeSeconds, typ, realm: this.realm };
    const token = jwt.sign(payload, this.key.privateKey, { algorithm: 'ES256', keyid: this.key.kid });
    return { token, expiresAt: new Date((now + lifetimeSeconds) * 1000), jti };
  }

  /** Verification options shared with the passport strategy. */
  verifyOptions(maxLifetimeSeconds: number): jwt.VerifyOptions {
    return {
      algorithms: ['ES256'],
      issuer: this.issuer,
      audience: this.audience,
      maxAge: maxLifetimeSeconds,
      clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      clockTolerance: 0,
    };
  }

  /** Maximum lifetime we ever sign per type (used as jsonwebtoken's maxAge and our own check). */
  lifetimeOf(typ: TokenType): number {
    if (typ === 'access') return this.config.accessTokenSeconds;
    if (typ === 'mfa') return this.config.challengeSeconds;
    return this.config.absoluteTimeoutSeconds;
  }

  /** For refresh and challenge tokens, which arrive in bodies or headers outside the guard. */
  verify(rawToken: string, typ: Exclude<TokenType, 'access'>): TokenClaims {
    try {
      const publicKey = checkTokenHeader(rawToken, this.key);
      const claims = jwt.verify(rawToken, publicKey, this.verifyOptions(this.lifetimeOf(typ))) as TokenClaims;
      if (!claimsValid(claims, typ, this.realm, this.lifetimeOf(typ))) throw new Error('claims');
      return claims;
    } catch {
      throw new AccessError(typ === 'mfa' ? 'AUTH.INVALID_MFA' : 'AUTH.SESSION_ENDED', 'token rejected');
    }
  }
}

/** Claims every accepted token must have, beyond what jsonwebtoken checks (it accepts a missing exp). */
export function claimsValid(claims: Partial<TokenClaims>, typ: TokenType, realm: Realm, maxLifetime: number): boolean {
  if (claims.typ !== typ || claims.realm !== realm) return false;
  if (!isUuid(claims.sub) || !isUuid(claims.jti)) return false;
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || typeof claims.nbf !== 'number') return false;
  if (claims.exp - claims.iat > maxLifetime || claims.nbf < claims.iat) return false;
  if (typ === 'mfa') return Number.isSafeInteger(claims.cv);
  if (!isUuid(claims.sid)) return false;
  if (typ === 'access') {
    if (claims.mfa !== true || !isRole(claims.role) || !roleBelongsTo(claims.role, realm)) return false;
    if ((realm === 'clinic') !== isUuid(claims.clinic)) return false;
  }
  return true;
}
