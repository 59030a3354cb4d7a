import type pg from 'pg';

/**
 * Each TOTP time step is accepted once per user, and never one older than the newest accepted
 * (RFC 6238 section 5.2). The primary key (user_id, step) settles parallel submissions of one
 * code in the database: exactly one insert wins, whatever the number of app instances.
 */
export class TotpReplayGuard {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  async claim(userId: string, step: number, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `insert into access.totp_used_steps (user_id, step, used_at)
       select $1, $2, $3
       where not exists (select 1 from access.totp_used_steps where user_id = $1 and step >= $2)
       on conflict (user_id, step) do nothing`,
      [userId, step, now],
    );
    return (rowCount ?? 0) === 1;
  }
}
