import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type pg from 'pg';

/** pg_dump binaries on this machine: PATH first, then /usr/lib/postgresql/<major>/bin. */
function candidates(): string[] {
  const found = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && fs.existsSync(`${dir}/pg_dump`)) found.add(`${dir}/pg_dump`);
  if (fs.existsSync('/usr/lib/postgresql')) {
    for (const major of fs.readdirSync('/usr/lib/postgresql')) {
      const bin = `/usr/lib/postgresql/${major}/bin/pg_dump`;
      if (fs.existsSync(bin)) found.add(bin);
    }
  }
  return [...found];
}

const majorOf = (bin: string) => Number(/(\d+)\./.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }))?.[1] ?? 0);

/** A pg_dump able to dump this server (its major version must be >= the server's), or why there is none. */
export async function findPgDump(client: pg.Client): Promise<{ bin?: string; reason?: string }> {
  const { rows } = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
  const server = Math.floor(Number(rows[0].v) / 10000);
  const usable = candidates()
    .map((bin) => ({ bin, major: majorOf(bin) }))
    .filter((c) => c.major >= server)
    .sort((a, b) => b.major - a.major);
  if (usable.length > 0) return { bin: usable[0].bin };
  const all = candidates();
  return { reason: all.length ? `pg_dump ${[...new Set(all.map(majorOf))].join(', ')} cannot dump a PostgreSQL ${server} server` : 'no pg_dump binary on PATH or in /usr/lib/postgresql/*/bin' };
}

export function pgDump(bin: string, url: string): Buffer {
  return execFileSync(bin, ['--no-owner', '--no-privileges', `--dbname=${url}`], { maxBuffer: 512 * 1024 * 1024 });
}

/** Every row of every user table as COPY text: the same bytes pg_dump would write for data. */
export async function copyDump(client: pg.Client): Promise<Buffer> {
  const { rows } = await client.query<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const parts: string[] = [];
  for (const { s, t } of rows) {
    const result = await client.query(`select row_to_json(x)::text as j from "${s}"."${t}" x`);
    parts.push(`-- ${s}.${t}`, ...result.rows.map((r) => r.j as string));
  }
  return Buffer.from(parts.join('\n'));
}
