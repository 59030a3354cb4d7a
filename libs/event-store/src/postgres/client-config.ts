import type pg from 'pg';

/**
 * The settings a pool opens its connections with, for a dedicated client beside it (LISTEN,
 * advisory-lock sessions). pg-pool keeps `password` as a non-enumerable property (so it stays out
 * of logs), which an object spread drops: it is copied here explicitly, again non-enumerable, so a
 * password or a password function (RDS IAM tokens, DATABASE_AUTH=aws-iam) reaches the side
 * connection as it reaches the pool's own.
 */
export function clientConfigOf(pool: pg.Pool, overrides: pg.ClientConfig = {}): pg.ClientConfig {
  const options = (pool as unknown as { options: pg.ClientConfig }).options;
  const config: pg.ClientConfig = { ...options, ...overrides };
  Object.defineProperty(config, 'password', { value: overrides.password ?? options.password, enumerable: false, writable: true, configurable: true });
  return config;
}
