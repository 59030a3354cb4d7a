import { sql } from 'kysely';
import type { ProjectionContext } from '../runner/projection';

/** A column of a bulk write and its Postgres array type for `unnest`. */
/** Rows of `table` whose `key` is one of `ids`, in one parameter. */
export async function selectByIds<T>(ctx: ProjectionContext, table: string, key: string, ids: readonly string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<T>`select * from ${sql.table(`${ctx.schema}.${table}`)} where ${sql.ref(key)} = any(${ids}::uuid[])`.execute(ctx.db);
  return rows;
}

/** Deletes the rows of `table` whose `key` is one of `ids`. */
export async function deleteByIds(ctx: ProjectionContext, table: string, key: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await sql`delete from ${sql.table(`${ctx.schema}.${table}`)} where ${sql.ref(key)} = any(${ids}::uuid[])`.execute(ctx.db);
}

export type Column = readonly [name: string, type: 'uuid' | 'text' | 'bytea' | 'timestamptz' | 'bigint' | 'integer' | 'jsonb' | 'uuid[]'];

/**
 * Inserts (or upserts) many rows in one statement with one array parameter per column
 * (`insert ... select * from unnest(...)`): a thousand rows bind 12 parameters, not 12,000, which
 * is most of what a rebuild spends per batch. `uuid[]` columns travel as text and are split back.
 */
export async function bulkWrite(
  ctx: ProjectionContext,
  table: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  conflict?: { key: readonly string[]; update: 'all' | 'nothing' },
): Promise<void> {
  if (rows.length === 0) return;
  // bytea columns travel as one binary buffer per column plus lengths (half the bytes of hex in an array literal).
  const arrays = columns.map(([name, type]) => {
    const values = rows.map((r) => r[name] ?? null);
    if (type === 'uuid[]') return sql`${values.map((v) => (v as string[]).join(','))}::text[]`;
    if (type === 'jsonb') return sql`${values.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v)))}::jsonb[]`;
    if (type === 'bytea') return sql`${values.map((v) => (v === null ? null : (v as Buffer).length))}::integer[]`;
    return sql`${values}::${sql.raw(type)}[]`;
  });
  const blobs = columns.map(([name, type]) => (type === 'bytea' ? Buffer.concat(rows.flatMap((r) => (r[name] ? [r[name] as Buffer] : []))) : undefined));
  const names = columns.map(([name]) => sql.ref(name));
  const selects = columns.map(([name, type], i) => {
    const col = sql.ref(`u.${name}`);
    if (type === 'uuid[]') return sql`case when ${col} = '' then '{}'::uuid[] else string_to_array(${col}, ',')::uuid[] end`;
    if (type === 'bytea') {
      // Offsets are the running sum of the lengths, in row order.
      const offset = sql`coalesce(sum(${col}) over (order by u.ord rows between unbounded preceding and 1 preceding), 0)`;
      return sql`case when ${col} is null then null else substring(${blobs[i]!}::bytea from (${offset} + 1)::int for ${col}) end`;
    }
    return col;
  });
  const alias = sql.raw(`u(${columns.map(([name]) => name).join(', ')}, ord)`);
  let onConflict = sql``;
  if (conflict) {
    const key = sql.join(conflict.key.map((k) => sql.ref(k)));
    const updates = columns.filter(([name]) => !conflict.key.includes(name)).map(([name]) => sql`${sql.ref(name)} = excluded.${sql.ref(name)}`);
    onConflict = conflict.update === 'nothing' ? sql` on conflict (${key}) do nothing` : sql` on conflict (${key}) do update set ${sql.join(updates)}`;
  }
  await sql`insert into ${sql.table(`${ctx.schema}.${table}`)} (${sql.join(names)})
            select ${sql.join(selects)} from unnest(${sql.join(arrays)}) with ordinality as ${alias}${onConflict}`.execute(ctx.db);
}
