import type pg from 'pg';
import { auditRowHash, GENESIS_HASH } from './audit-hash';
import { rowFromDb } from './audit-store';
import type { AuditHead, AuditVerification } from './audit.types';

/**
 * Walks the whole chain in order inside one snapshot and reports the first position that does
 * not verify: a gap (deleted row), a link that does not point at its predecessor (reordered or
 * re-hashed rows), a row whose content no longer matches its hash (edited), or a head that
 * disagrees with the last row (tail removed). Anchor `auditHead()` elsewhere to catch a rewrite
 * of the whole tail.
 */
export async function verifyAuditChain(pool: pg.Pool, options: { pageSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditVerification> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const headRow = await client.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
    const head: AuditHead = { seq: Number(headRow.rows[0].seq), hash: headRow.rows[0].hash };
    let expected = 1;
    let prev = GENESIS_HASH;
    let checked = 0;
    const broken = (brokenAt: number, problem: AuditVerification['problem']): AuditVerification => ({ ok: false, checked, head, brokenAt, problem });
    for (;;) {
      const { rows } = await client.query('select * from access.audit_events where seq >= $1 order by seq limit $2', [expected, options.pageSize ?? 5000]);
      if (rows.length === 0) break;
      for (const raw of rows) {
        const row = rowFromDb(raw);
        if (row.seq !== expected) return broken(expected, 'missing_row');
        if (row.prevHash !== prev) return broken(row.seq, 'broken_link');
        if (auditRowHash(row, prev) !== row.hash) return broken(row.seq, 'hash_mismatch');
        prev = row.hash;
        expected += 1;
        checked += 1;
      }
      options.onProgress?.(checked, head.seq);
    }
    if (head.seq !== checked || head.hash !== prev) return broken(checked + 1, 'head_mismatch');
    return { ok: true, checked, head };
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

export async function auditHead(pool: pg.Pool): Promise<AuditHead> {
  const { rows } = await pool.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
  return { seq: Number(rows[0].seq), hash: rows[0].hash };
}
