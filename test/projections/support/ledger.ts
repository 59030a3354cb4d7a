import { sql } from 'kysely';
import type pg from 'pg';
import type { Projection } from '@ortholedger/read-models';

/**
 * A test projection that counts how often each event was applied: 0 skipped and 0 twice are
 * then plain SQL questions. Its table lives in the read-model schemas like the real ones.
 */
export function ledgerProjection(name = 'test_ledger'): Projection {
  return {
    name,
    version: 1,
    tables: [name],
    description: 'applications per event (test only)',
    handles: () => true,
    async apply(events, ctx) {
      if (events.length === 0) return;
      const ids = events.map((e) => e.eventId);
      // Live target only (its table is not in the rebuild DDL).
      await sql`insert into ${sql.table(`read_models.${name}`)} as l (event_id, applied)
                select id, 1 from unnest(${ids}::uuid[]) as id
                on conflict (event_id) do update set applied = l.applied + 1`.execute(ctx.db);
    },
    async eraseSubjects() {},
  };
}

export async function createLedgerTable(owner: pg.Pool, name = 'test_ledger'): Promise<void> {
  for (const schema of ['read_models', 'read_models_shadow']) {
    await owner.query(`create table if not exists ${schema}.${name} (event_id uuid primary key, applied integer not null)`);
    await owner.query(`grant select, insert, update, delete on ${schema}.${name} to ortholedger_app`);
  }
}

export async function ledgerCounts(pool: pg.Pool, name = 'test_ledger'): Promise<{ rows: number; twice: number }> {
  const { rows } = await pool.query<{ rows: string; twice: string }>(`select count(*) as rows, count(*) filter (where applied > 1) as twice from read_models.${name}`);
  return { rows: Number(rows[0].rows), twice: Number(rows[0].twice) };
}
