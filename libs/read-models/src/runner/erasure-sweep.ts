import { type Kysely, sql } from 'kysely';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { LIVE_SCHEMA, type Target } from '../schema/tables';
import type { Projection, ProjectionContext } from './projection';

/**
 * Crypto-shredding happens in the keyvault, not in the log, so each projection also sweeps the
 * erasures it has not handled yet and deletes those patients' rows, recording each erasure as
 * handled in the same transaction as the deletes.
 */
export async function sweepErasures(
  db: Kysely<ReadModelDatabase>,
  projection: Projection,
  target: Target,
  ctx: ProjectionContext,
): Promise<string[]> {
  const { rows } = await sql<{ erasure_id: string; subject_id: string }>`
    select e.erasure_id::text, e.subject_id::text from keyvault.erasures e
     where not exists (select 1 from read_models.projection_erasures p
                        where p.projection = ${projection.name} and p.target = ${target} and p.erasure_id = e.erasure_id)`.execute(db);
  if (rows.length === 0) return [];
  const subjects = [...new Set(rows.map((r) => r.subject_id))];
  await projection.eraseSubjects(subjects, ctx);
  await db
    .withSchema(LIVE_SCHEMA)
    .insertInto('projection_erasures')
    .values(rows.map((r) => ({ projection: projection.name, target, erasure_id: r.erasure_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
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
