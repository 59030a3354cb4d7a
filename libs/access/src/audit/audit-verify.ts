import type pg from 'pg';
import { type AuditChainKey, auditRowHash, GENESIS_HASH, unkeyedRowHash } from './audit-hash';
import { rowFromDb } from './audit-store';
import type { AuditBreak, AuditHead, AuditProblem, AuditRow, AuditVerification } from './audit.types';

/**
 * Walks the whole chain in order inside one snapshot and reports every position that does not
 * verify: a gap (deleted rows), a link that does not point at its predecessor (reordered or
 * re-hashed rows), a row whose content no longer matches its hash (edited), or a head that
 * disagrees with the last row (tail removed). It carries on past a break from the stored row, so
 * one break does not hide the rest of the log: after a gap the next row's link has nothing to point
 * at and only its MAC is checked. Links are MACs under the chain key, so a rewrite needs the key
 * provider, not just the database; anchor `auditHead()` elsewhere as well, to catch a tail cut off
 * together with the head (or rewritten by someone holding the key).
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
  options: { pageSize?: number; legacyUntil?: number; maxBreaks?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<AuditVerification> {
  const legacyUntil = options.legacyUntil ?? 0;
  if (!Number.isSafeInteger(legacyUntil) || legacyUntil < 0) throw new Error('legacyUntil must be a position (a non-negative integer)');
  const maxBreaks = options.maxBreaks ?? 100;
  if (!Number.isSafeInteger(maxBreaks) || maxBreaks < 1) throw new Error('maxBreaks must be a positive integer');
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const headRow = await client.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
    const head: AuditHead = { seq: Number(headRow.rows[0].seq), hash: headRow.rows[0].hash };
    let expected = 1;
    let prev = GENESIS_HASH;
    let checked = 0;
    let scanned = 0;
    let breakCount = 0;
    const breaks: AuditBreak[] = [];
    const report = (found: AuditBreak) => {
      if (breakCount++ < maxBreaks) breaks.push(found);
    };
    const linkProblem = (row: AuditRow): AuditProblem | undefined => {
      if (row.seq <= legacyUntil) {
        // Up to the anchor either link holds: during a rolling upgrade old and new processes wrote side by side.
        return unkeyedRowHash(row, row.prevHash) !== row.hash && auditRowHash(row, row.prevHash, chain) !== row.hash ? 'hash_mismatch' : undefined;
      }
      if (auditRowHash(row, row.prevHash, chain) === row.hash) return undefined;
      return unkeyedRowHash(row, row.prevHash) === row.hash ? 'unkeyed_row' : 'hash_mismatch';
    };
    for (;;) {
      const { rows } = await client.query('select * from access.audit_events where seq >= $1 order by seq limit $2', [expected, options.pageSize ?? 5000]);
      if (rows.length === 0) break;
      for (const raw of rows) {
        const row = rowFromDb(raw);
        // After a gap the row's predecessor is missing: its link has nothing to be compared with.
        const gap = row.seq !== expected;
        if (gap) report({ at: expected, problem: 'missing_row', through: row.seq - 1 });
        const problem = !gap && row.prevHash !== prev ? 'broken_link' : linkProblem(row);
        if (problem) report({ at: row.seq, problem });
        if (breakCount === 0) checked += 1;
        prev = row.hash;
        expected = row.seq + 1;
        scanned += 1;
      }
      options.onProgress?.(scanned, head.seq);
    }
    if (head.seq !== expected - 1 || head.hash !== prev) report({ at: expected, problem: 'head_mismatch' });
    if (breakCount === 0) return { ok: true, checked, head, breaks, breakCount, scanned };
    return { ok: false, checked, head, brokenAt: breaks[0].at, problem: breaks[0].problem, breaks, breakCount, scanned };
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

export async function auditHead(pool: pg.Pool): Promise<AuditHead> {
  const { rows } = await pool.query<{ seq: string; hash: string }>('select seq, hash from access.audit_head');
  return { seq: Number(rows[0].seq), hash: rows[0].hash };
}
