import type pg from 'pg';
import { type AuditChainKey, auditRowHash, GENESIS_HASH, unkeyedRowHash } from './audit-hash';
import { rowFromDb } from './audit-store';
import type { AuditHead, AuditVerification } from './audit.types';

/**
 * Walks the whole chain in order inside one snapshot and reports the first position that does
 * not verify: a gap (deleted row), a link that does not point at its predecessor (reordered or
 * re-hashed rows), a row whose content no longer matches its hash (edited), or a head that
 * disagrees with the last row (tail removed). Links are MACs under the chain key, so a rewrite
 * needs the key provider, not just the database; anchor `auditHead()` elsewhere as well, to catch
 * a tail cut off together with the head (or rewritten by someone holding the key).
 *
 * Rows written before the links were keyed have plain SHA-256 links. `legacyUntil` is the head
 * the operator anchored (`audit head`) once no process of the older release was running: rows up
 * to it may carry either link (old and new processes write side by side during a rolling upgrade)
 * and every later row must carry a keyed one. Without it any plain
 * link is `unkeyed_row`: the chain cannot tell an old row from one forged without the key, so
 * only the anchored position can.
 */
export async function verifyAuditChain(
  pool: pg.Pool,
  chain: AuditChainKey,
  options: { pageSize?: number; legacyUntil?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<AuditVerification> {
  const legacyUntil = options.legacyUntil ?? 0;
  if (!Number.isSafeInteger(legacyUntil) || legacyUntil < 0) throw new Error('legacyUntil must be a position (a non-negative integer)');
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
        if (row.seq <= legacyUntil) {
          // Up to the anchor either link holds: during a rolling upgrade old and new processes wrote side by side.
          if (unkeyedRowHash(row, prev) !== row.hash && auditRowHash(row, prev, chain) !== row.hash) return broken(row.seq, 'hash_mismatch');
        } else if (auditRowHash(row, prev, chain) !== row.hash) {
          return broken(row.seq, unkeyedRowHash(row, prev) === row.hash ? 'unkeyed_row' : 'hash_mismatch');
        }
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
