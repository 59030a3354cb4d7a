import { ConfigError } from '@ortholedger/platform';

/** The fixed reason code of a retention erasure, in the keyvault's erasure record and the audit rows. */
export const RETENTION_REASON = 'retention_expired';

export interface RetentionPolicy {
  readonly yearsAfterClose: number;
  /** Cases closed before this instant are past the period. */
  readonly cutoff: Date;
}

/**
 * RETENTION_YEARS_AFTER_CLOSE, 1 to 100 years, counted from the last case's completion or
 * cancellation. DOMAIN.md states no period (it varies by jurisdiction and by the patient's age), so
 * there is no default: retention runs only where the deployment has set it. Read before the database is opened.
 */
export function retentionPolicy(env: NodeJS.ProcessEnv = process.env, now = new Date()): RetentionPolicy {
  const raw = env.RETENTION_YEARS_AFTER_CLOSE;
  if (raw === undefined || raw === '') throw new ConfigError('RETENTION_YEARS_AFTER_CLOSE', 'is not set; set the retention period in years after the last case closed (no default)');
  const years = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(years) || years < 1 || years > 100) {
    throw new ConfigError('RETENTION_YEARS_AFTER_CLOSE', 'must be an integer from 1 to 100 (years)');
  }
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return { yearsAfterClose: years, cutoff };
}
