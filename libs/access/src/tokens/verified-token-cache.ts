import type { TokenClaims } from './token.types';

/**
 * Claims of access tokens that passport-jwt has fully verified (header, ES256 signature, iss, aud,
 * exp, nbf, our claim rules), keyed by the exact token string: any changed byte is a different key
 * and goes through passport-jwt again. A hit skips only the signature work; exp and nbf are checked
 * against the clock on every use, and the session is still checked on every request. Bounded:
 * the oldest entries go first.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, TokenClaims>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, nowSeconds: number): TokenClaims | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (claims.exp <= nowSeconds || claims.nbf > nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: TokenClaims): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, claims);
  }
}
