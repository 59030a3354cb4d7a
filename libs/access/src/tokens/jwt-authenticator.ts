import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy, type StrategyOptionsWithoutRequest, type VerifiedCallback } from 'passport-jwt';
import type { RealmSigningKey } from '../keys/jwt-keys';
import type { AccessSubject } from '../policy/policy.types';
import type { SessionService } from '../sessions/session.service';
import { claimsValid, checkTokenHeader, type TokenService } from './token.service';
import type { TokenClaims } from './token.types';

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
  constructor(options: StrategyOptionsWithoutRequest, verify: (payload: TokenClaims, done: VerifiedCallback) => void, private readonly perRequest: () => object) {
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

  constructor(tokens: TokenService, key: RealmSigningKey, sessions: SessionService) {
    const lifetime = tokens.lifetimeOf('access');
    const strategy = new ClockedJwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
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
      },
      (payload, done) => {
        if (!claimsValid(payload, 'access', tokens.realm, lifetime)) return done(null, false, { failure: 'unauthenticated' });
        sessions.check(payload.sid as string, payload.sub).then((live) => {
          if ('ended' in live) return done(null, false, { failure: 'session_ended', userId: payload.sub, sessionId: payload.sid });
          // The token's role and clinic must still be the user's: the session row is the truth.
          if (live.role !== payload.role || (live.clinicId ?? undefined) !== payload.clinic || live.realm !== tokens.realm) {
            return done(null, false, { failure: 'session_ended', userId: payload.sub, sessionId: payload.sid });
          }
          const subject: AccessSubject = {
            userId: live.userId, realm: live.realm, role: live.role, clinicId: live.clinicId, sessionId: live.sessionId, mfa: live.mfa, breakGlass: live.breakGlass,
          };
          return done(null, { subject, passwordMustChange: live.passwordMustChange });
        }, (error: unknown) => done(error));
      },
      () => tokens.verifyOptions(lifetime),
    );
    this.passport.use('jwt', strategy as never);
  }

  authenticate(request: unknown): Promise<AuthOutcome> {
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
}
