import type { Realm, Role } from '../realm';

export type TokenType = 'access' | 'refresh' | 'mfa';

/** Claims of every token we sign. `typ` keeps an mfa-challenge or refresh token out of the guard. */
export interface TokenClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly typ: TokenType;
  readonly realm: Realm;
  readonly sid?: string;
  readonly role?: Role;
  readonly clinic?: string;
  readonly mfa?: boolean;
  /** mfa challenge only: the user has no second factor yet and must enrol. */
  readonly enrol?: boolean;
  /** mfa challenge only: the user's credential version at the password check (refused once it has moved). */
  readonly cv?: number;
}

export interface IssuedTokens {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  readonly sessionId: string;
}
