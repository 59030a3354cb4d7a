import type { Logger } from 'pino';
import { AccessError } from '../access.errors';
import type { Clock } from '../clock';
import type { AuditStore } from './audit-store';
import type { AuditReceipt, AuditRecord } from './audit.types';

/**
 * Writes audit rows and fails closed: a record that cannot be written becomes AUDIT.UNAVAILABLE
 * (503), and the caller must not return data. Handlers use `record()` for outcomes the guard
 * cannot see (e.g. an 'error' after the handler ran); the guard records every decision itself.
 */
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  async record(record: AuditRecord): Promise<AuditReceipt> {
    try {
      return await this.store.append(record, this.clock.now());
    } catch (error) {
      // The database error's class and code only: its message may quote values.
      this.logger?.error(
        { err: { type: (error as Error)?.name, sqlState: (error as { code?: string })?.code }, action: record.action, correlationId: record.correlationId },
        'audit write failed; request refused',
      );
      throw new AccessError('AUDIT.UNAVAILABLE', 'audit write failed');
    }
  }

  head() {
    return this.store.head();
  }
}
