import type pg from 'pg';
import { type AuditChainKey, auditRowHash, sanitiseAuditRecord } from './audit-hash';
import type { AuditHead, AuditReceipt, AuditRecord, AuditRow } from './audit.types';

const COLUMNS = [
  'seq', 'at', 'realm', 'actor_id', 'role', 'session_id', 'action', 'resource_type', 'resource_id', 'patient_id',
  'outcome', 'status', 'reason', 'ip', 'user_agent', 'correlation_id', 'purpose', 'break_glass', 'params',
  'policy_version', 'prev_hash', 'hash',
] as const;
const TYPES = [
  'bigint', 'timestamptz', 'text', 'uuid', 'text', 'uuid', 'text', 'text', 'uuid', 'uuid',
  'text', 'integer', 'text', 'text', 'text', 'text', 'text', 'boolean', 'jsonb', 'text', 'text', 'text',
];

export function rowFromDb(r: Record<string, any>): AuditRow {
  return {
    seq: Number(r.seq), at: r.at as Date, realm: r.realm, actorId: r.actor_id, role: r.role, sessionId: r.session_id,
    action: r.action, resourceType: r.resource_type, resourceId: r.resource_id, patientId: r.patient_id,
    outcome: r.outcome, status: r.status, reason: r.reason, ip: r.ip, userAgent: r.user_agent,
    correlationId: r.correlation_id, purpose: r.purpose, breakGlass: r.break_glass, params: r.params,
    policyVersion: r.policy_version, prevHash: r.prev_hash, hash: r.hash,
  };
}

/** The row's values in COLUMNS order, as the statement's per-column arrays expect them. */
function values(row: AuditRow): unknown[] {
  return [
    row.seq, row.at, row.realm, row.actorId, row.role, row.sessionId, row.action, row.resourceType, row.resourceId,
    row.patientId, row.outcome, row.status, row.reason, row.ip, row.userAgent, row.correlationId, row.purpose,
    row.breakGlass, row.params === null ? null : JSON.stringify(row.params), row.policyVersion, row.prevHash, row.hash,
  ];
}

/**
 * One statement, one transaction: `access.append_audit_events` locks the head, takes the batch only
 * if it starts at head+1 and links to the head's hash, inserts it and moves the head. The app role
 * has no INSERT on the rows nor UPDATE on the head: a stray row or a moved head could otherwise jam
 * or gap the chain. If another writer (another process) moved the head since we last looked, nothing
 * is written and the function answers the current head; we relink from it and retry. The head row's
 * lock serialises the chain across processes.
 *
 * The rows arrive as one array per column, so every batch size shares this one statement: it is
 * prepared once per connection and its plan is reused (a VALUES list of N x 22 parameters cost a
 * new statement per batch size and more planning than executing).
 */
const APPEND_STATEMENT = `select appended, head_seq, head_hash from access.append_audit_events(${COLUMNS.map((_, c) => `$${c + 1}::${TYPES[c]}[]`).join(', ')})`;

interface Pending {
  record: AuditRecord;
  at: Date;
  resolve(receipt: AuditReceipt): void;
  reject(error: unknown): void;
}

/**
 * Appends audit rows in chain order with group commit: while one append is in flight, later
 * records queue and go into the next statement together. Every caller waits for the commit that
 * holds its row, so "written before the response" holds at a fraction of one transaction per
 * request. Usually one round trip per batch: the head is remembered between batches.
 */
export class AuditStore {
  private queue: Pending[] = [];
  private draining = false;
  private known?: AuditHead;

  constructor(
    private readonly pool: pg.Pool,
    private readonly chain: AuditChainKey,
    private readonly options: { maxBatch?: number; timeoutMs?: number; maxRetries?: number } = {},
  ) {}

  append(record: AuditRecord, at: Date): Promise<AuditReceipt> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, at, resolve, reject });
      if (!this.draining) {
        // Start after this turn's callbacks, so requests woken together by one answer share the commit.
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  async head(): Promise<AuditHead> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
    return { seq: Number(rows[0].seq), hash: rows[0].hash };
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 200);
        try {
          const receipts = await withTimeout(this.write(batch), this.options.timeoutMs ?? 5000);
          batch.forEach((p, i) => p.resolve(receipts[i]));
        } catch (error) {
          this.known = undefined; // the outcome is unknown: start from the stored head next time
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async write(batch: Pending[]): Promise<AuditReceipt[]> {
    const cleaned = batch.map((p) => sanitiseAuditRecord(p.record, p.at));
    for (let attempt = 0; ; attempt++) {
      const head = (this.known ??= await this.head());
      const rows: AuditRow[] = [];
      let prev = head.hash;
      cleaned.forEach((clean, i) => {
        const row = { ...clean, seq: head.seq + i + 1 };
        const hash = auditRowHash(row, prev, this.chain);
        rows.push({ ...row, prevHash: prev, hash });
        prev = hash;
      });
      const last = rows[rows.length - 1];
      const byRow = rows.map(values);
      const columns = COLUMNS.map((_, c) => byRow.map((v) => v[c]));
      const { rows: [answer] } = await this.pool.query<{ appended: boolean; head_seq: string; head_hash: string }>({ name: 'access_audit_append', text: APPEND_STATEMENT, values: columns });
      if (answer.appended) {
        this.known = { seq: last.seq, hash: last.hash };
        return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
      }
      // Another writer moved the head since we last looked: relink from where it is now.
      this.known = { seq: Number(answer.head_seq), hash: answer.head_hash };
      if (attempt >= (this.options.maxRetries ?? 50)) throw new Error('audit head contention: gave up');
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
