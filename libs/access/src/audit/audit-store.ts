import type pg from 'pg';
import { auditRowHash, sanitiseAuditRecord } from './audit-hash';
import type { AuditHead, AuditReceipt, AuditRecord, AuditRow } from './audit.types';

const COLUMNS = [
  'seq', 'at', 'realm', 'actor_id', 'role', 'session_id', 'action', 'resource_type', 'resource_id', 'patient_id',
  'outcome', 'status', 'reason', 'ip', 'user_agent', 'correlation_id', 'purpose', 'break_glass', 'params',
  'policy_version', 'prev_hash', 'hash',
] as const;

export function rowFromDb(r: Record<string, any>): AuditRow {
  return {
    seq: Number(r.seq), at: r.at as Date, realm: r.realm, actorId: r.actor_id, role: r.role, sessionId: r.session_id,
    action: r.action, resourceType: r.resource_type, resourceId: r.resource_id, patientId: r.patient_id,
    outcome: r.outcome, status: r.status, reason: r.reason, ip: r.ip, userAgent: r.user_agent,
    correlationId: r.correlation_id, purpose: r.purpose, breakGlass: r.break_glass, params: r.params,
    policyVersion: r.policy_version, prevHash: r.prev_hash, hash: r.hash,
  };
}

function values(row: AuditRow): unknown[] {
  return [
    row.seq, row.at, row.realm, row.actorId, row.role, row.sessionId, row.action, row.resourceType, row.resourceId,
    row.patientId, row.outcome, row.status, row.reason, row.ip, row.userAgent, row.correlationId, row.purpose,
    row.breakGlass, row.params === null ? null : JSON.stringify(row.params), row.policyVersion, row.prevHash, row.hash,
  ];
}

interface Pending {
  record: AuditRecord;
  at: Date;
  resolve(receipt: AuditReceipt): void;
  reject(error: unknown): void;
}

/**
 * Appends audit rows in chain order with group commit: while one transaction holds the head row,
 * later records queue up and go into the next transaction together. Every caller still waits for
 * the commit that contains its row, so "written before the response" holds, at a fraction of the
 * cost of one locked transaction per request.
 */
export class AuditStore {
  private queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { maxBatch?: number; timeoutMs?: number } = {},
  ) {}

  append(record: AuditRecord, at: Date): Promise<AuditReceipt> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, at, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  async head(): Promise<AuditHead> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
    return { seq: Number(rows[0].seq), hash: rows[0].hash };
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 200);
        try {
          const receipts = await withTimeout(this.write(batch), this.options.timeoutMs ?? 5000);
          batch.forEach((p, i) => p.resolve(receipts[i]));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Three round trips per batch: lock the head, insert rows + move the head, commit. */
  private async write(batch: Pending[]): Promise<AuditReceipt[]> {
    const client = await this.pool.connect();
    let release: Error | undefined;
    try {
      const opened = (await client.query(
        "begin; set local statement_timeout = '5s'; select seq, hash from access.audit_head for update",
      )) as unknown as Array<{ rows: Array<{ seq: string; hash: string }> }>;
      const head = opened[2].rows[0];
      let seq = Number(head.seq);
      let prev = head.hash;
      const rows: AuditRow[] = [];
      for (const p of batch) {
        const clean = { ...sanitiseAuditRecord(p.record, p.at), seq: ++seq };
        const hash = auditRowHash(clean, prev);
        rows.push({ ...clean, prevHash: prev, hash });
        prev = hash;
      }
      const params: unknown[] = [];
      const tuples = rows.map((row) => {
        const start = params.length;
        params.push(...values(row));
        return `(${COLUMNS.map((_, i) => `$${start + i + 1}`).join(', ')})`;
      });
      params.push(seq, prev);
      await client.query(
        `with inserted as (insert into access.audit_events (${COLUMNS.join(', ')}) values ${tuples.join(', ')} returning 1)
         update access.audit_head set seq = $${params.length - 1}, hash = $${params.length} where (select count(*) from inserted) = ${rows.length}`,
        params,
      );
      await client.query('commit');
      return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
    } catch (error) {
      await client.query('rollback').catch((e: Error) => (release = e));
      throw error;
    } finally {
      client.release(release);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('audit write timed out')), ms))),
  ]);
}
