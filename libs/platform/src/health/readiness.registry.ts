import { Injectable } from '@nestjs/common';

export interface ReadinessCheck {
  name: string;
  /** Resolves with details when ready; throws (message without PHI) when not. */
  check(): Promise<Record<string, unknown>>;
}

/** Modules add what readiness means for them (database, migrations, projection lag). */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];
  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }
  all(): readonly ReadinessCheck[] {
    return this.checks;
  }
}

/**
 * What readiness may say about a failed check: it answers without a login, so a driver's message
 * (a database host, port or login name) is reduced to its code. Messages of the checks' own errors
 * (e.g. "2 migrations pending") are kept.
 */
export function readinessReason(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  const e = error as Error & { code?: unknown; syscall?: unknown; severity?: unknown };
  // A system error (ECONNREFUSED...), also as the AggregateError of a host with several addresses, which has no syscall and no message.
  if (typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))) return `database unreachable (${typeof e.code === 'string' ? e.code : 'network error'})`;
  if (typeof e.severity === 'string' || (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))) return `database error ${typeof e.code === 'string' ? e.code : ''}`.trim();
  if (/password|authentication|ECONN|getaddrinfo|ssl|tls/i.test(e.message)) return 'database unavailable';
  return e.message || 'failed';
}
