import { type Kysely, sql } from 'kysely';
import type { ReadModelDatabase } from '../schema/read-model.db';
import type { Target } from '../schema/tables';
import type { Projection, ProjectionContext } from './projection';

/**
 * Crypto-shredding happens in the keyvault, not in the log, so each projection also sweeps the
 * erasures it has not handled yet and deletes those patients' rows, recording each erasure as
 * handled in the same transaction as the deletes. For several projections in two statements.
 */
export async function sweepErasuresMany(
  db: Kysely<ReadModelDatabase>,
  projections: readonly Projection[],
  target: Target,
  ctx: ProjectionContext,
): Promise<Set<string>> {
  const names = projections.map((p) => p.name);
  const { rows } = await sql<{ projection: string; erasure_id: string; subject_id: string }>`
    select p.projection, e.erasure_id::text, e.subject_id::text
      from unnest(${names}::text[]) as p(projection) cross join keyvault.erasures e
     where not exists (select 1 from read_models.projection_erasures x
                        where x.projection = p.projection and x.target = ${target} and x.erasure_id = e.erasure_id)`.execute(db);
  const subjects = new Set<string>();
  if (rows.length === 0) return subjects;
  for (const projection of projections) {
    const mine = [...new Set(rows.filter((r) => r.projection === projection.name).map((r) => r.subject_id))];
    if (mine.length > 0) await projection.eraseSubjects(mine, ctx);
    mine.forEach((s) => subjects.add(s));
  }
  await sql`
    insert into read_models.projection_erasures (projection, target, erasure_id)
    select u.projection, ${target}, u.erasure_id from unnest(${rows.map((r) => r.projection)}::text[], ${rows.map((r) => r.erasure_id)}::uuid[]) as u(projection, erasure_id)
    on conflict do nothing`.execute(db);
  return subjects;
}

/**
 * Subjects a batch touched that are erased already: their keys may still have been cached when
 * the events were decrypted, so the rows just written must go again.
 */
export async function erasedAmong(db: Kysely<ReadModelDatabase>, subjects: Iterable<string>): Promise<string[]> {
  const list = [...subjects];
  if (list.length === 0) return [];
  const { rows } = await sql<{ subject_id: string }>`
    select distinct subject_id::text from keyvault.erasures where subject_id = any(${list}::uuid[])`.execute(db);
  return rows.map((r) => r.subject_id);
}
