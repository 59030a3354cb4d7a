import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy, type StrategyOptionsWithRequest, type VerifiedCallback } from 'passport-jwt';
import type { Clock } from '../clock';
import type { RealmSigningKey } from '../keys/jwt-keys';
import type { AccessSubject } from '../policy/policy.types';
import type { SessionService } from '../sessions/session.service';
import { claimsValid, checkTokenHeader, type TokenService } from './token.service';
import type { TokenClaims } from './token.types';
import { VerifiedTokenCache } from './verified-token-cache';

export type AuthFailure = 'unauthenticated' | 'session_ended';

export type AuthOutcome =
  | { readonly subject: AccessSubject; readonly passwordMustChange: boolean }
  | { readonly failure: AuthFailure; readonly userId?: string; readonly sessionId?: string };

/**
 * passport-jwt checks signature (ES256 only), exp, nbf, iss, aud; jsonwebtoken's clock is set from
 * the injected Clock on every request so tests can move time. Everything runs synchronously up to
 * the verify callback, so setting the options per request cannot leak between requests.
 */
class ClockedJwtStrategy extends JwtStrategy {
  constructor(options: StrategyOptionsWithRequest, verify: (request: unknown, payload: TokenClaims, done: VerifiedCallback) => void, private readonly perRequest: () => object) {
    super(options, verify as never);
  }
  override authenticate(req: unknown, options?: unknown): void {
    const self = this as unknown as { _verifOpts: object };
    self._verifOpts = { ...self._verifOpts, ...this.perRequest() };
    (JwtStrategy.prototype.authenticate as (this: unknown, r: unknown, o: unknown) => void).call(this, req, options);
  }
}

/** Authenticates a request: a valid access token of this realm AND a live server-side session. */
export class JwtAuthenticator {
  // Our own passport instance: the global one is process-wide and several apps share a process in tests.
  private readonly passport = new Passport();
  private readonly verified = new VerifiedTokenCache();
  private readonly bearer = ExtractJwt.fromAuthHeaderAsBearerToken();
  /** Per request, the caller's `verified` hook for the passport path (the strategy is shared). */
  private readonly onVerified = new WeakMap<object, (claims: TokenClaims) => void>();

  constructor(
    private readonly tokens: TokenService,
    key: RealmSigningKey,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {
    const lifetime = tokens.lifetimeOf('access');
    const strategy = new ClockedJwtStrategy(
      {
        jwtFromRequest: this.bearer,
        secretOrKeyProvider: (_req: unknown, raw: string, done: (err: unknown, key?: string) => void) => {
          // A KeyObject where the types say string: jsonwebtoken accepts both and skips re-parsing.
          try {
            done(null, checkTokenHeader(raw, key) as never);
          } catch (error) {
            done(error);
          }
        },
        issuer: tokens.issuer,
        audience: tokens.audience,
        algorithms: ['ES256'],
        passReqToCallback: true,
      },
      (request: unknown, payload: TokenClaims, done: VerifiedCallback) => {
        if (!claimsValid(payload, 'access', tokens.realm, lifetime)) return done(null, false, { failure: 'unauthenticated' });
        const raw = this.bearer(request as never);
        if (raw) this.verified.set(raw, payload);
        this.onVerified.get(request as object)?.(payload);
        this.live(payload).then((outcome) => done(null, 'subject' in outcome ? outcome : false, outcome), (error: unknown) => done(error));
      },
      () => tokens.verifyOptions(lifetime),
    );
    this.passport.use('jwt', strategy as never);
  }

  /**
   * `verified` runs once the token's signature and claims have checked out and before the session
   * is: the caller may start work that only the claims' user would need (never answer with it
   * before this resolves with a subject).
   */
  authenticate(request: unknown, verified?: (claims: TokenClaims) => void): Promise<AuthOutcome> {
    const raw = this.bearer(request as never);
    const claims = raw ? this.verified.get(raw, Math.floor(this.clock.now().getTime() / 1000)) : undefined;
    if (claims) {
      verified?.(claims);
      return this.live(claims);
    }
    if (verified) this.onVerified.set(request as object, verified);
    return new Promise((resolve, reject) => {
      const handler = this.passport.authenticate('jwt', { session: false }, (error: unknown, user: AuthOutcome | false, info: unknown) => {
        if (error) return reject(error);
        if (user) return resolve(user);
        const failure = info && typeof info === 'object' && 'failure' in info ? (info as AuthOutcome) : { failure: 'unauthenticated' as const };
        resolve(failure);
      });
      handler(request, {}, (error: unknown) => (error ? reject(error) : resolve({ failure: 'unauthenticated' })));
    });
  }

  /** The session behind verified claims, on every request: revocation takes effect at once. */
  private async live(claims: TokenClaims): Promise<AuthOutcome> {
    const live = await this.sessions.check(claims.sid as string, claims.sub);
    const ended = { failure: 'session_ended', userId: claims.sub, sessionId: claims.sid } as const;
    if ('ended' in live) return ended;
    // The token's role and clinic must still be the user's: the session row is the truth.
    if (live.role !== claims.role || (live.clinicId ?? undefined) !== claims.clinic || live.realm !== this.tokens.realm) return ended;
    const subject: AccessSubject = {
      userId: live.userId, realm: live.realm, role: live.role, clinicId: live.clinicId, sessionId: live.sessionId, mfa: live.mfa, breakGlass: live.breakGlass,
    };
    return { subject, passwordMustChange: live.passwordMustChange };
  }
}
