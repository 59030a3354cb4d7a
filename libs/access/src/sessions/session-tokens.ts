import type pg from 'pg';
import type { TokenService } from '../tokens/token.service';
import type { IssuedTokens } from '../tokens/token.types';
import type { Realm, Role } from '../realm';
import type { SessionService } from './session.service';

/** Mints the access + refresh pair of a session; the refresh digest is stored in the same transaction. */
export class SessionTokens {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
  ) {}

  async issue(
    client: pg.PoolClient,
    user: { id: string; realm: Realm; role: Role; clinicId?: string },
    session: { sessionId: string; absoluteExpiresAt: Date },
    now: Date,
  ): Promise<IssuedTokens> {
    const accessSeconds = this.tokens.lifetimeOf('access');
    const access = this.tokens.sign('access', { sub: user.id, sid: session.sessionId, role: user.role, clinic: user.clinicId, mfa: true }, accessSeconds);
    // A refresh token never outlives its session.
    const refreshSeconds = Math.max(1, Math.floor((session.absoluteExpiresAt.getTime() - now.getTime()) / 1000));
    const refresh = this.tokens.sign('refresh', { sub: user.id, sid: session.sessionId }, refreshSeconds);
    await this.sessions.storeRefresh(client, session.sessionId, refresh.jti, refresh.token, refresh.expiresAt);
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      expiresIn: accessSeconds,
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt.toISOString(),
      sessionId: session.sessionId,
    };
  }
}

/** Runs `work` in a transaction on a pooled client. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}
