/**
 * search_vs_pg_trgm: p50/p95 latency of a mixed query set (name prefix, typo, date of birth) on the
 * in-memory index of decrypted patients vs PostgreSQL pg_trgm (GIN) over a PLAINTEXT copy of the
 * same folded names in the same database, queries interleaved; plus index memory per patient and
 * the cold load (read + decrypt + index) vs reading the same rows without decrypting.
 * 100k patients by default, 1M at --scale large.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { foldText, nameTokens, PatientSearchService, type PatientQuery } from '@ortholedger/read-models';
import { syntheticClinic, type SeededPatient } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { misspell, SeededRandom } from '../../apps/cli/src/commands/seed/random';
import { benchStores, type ProjectionBenchContext, round, writeDirectory } from './projection-bench-fixtures';

export const names = ['search_vs_pg_trgm', 'search_vs_pg_trgm_p50', 'search_index_memory_per_patient', 'search_index_cold_load'] as const;

const PER_KIND = 300;
const PG_SQL = {
  prefix: `select patient_id from bench_plain_patients where name ~ ('(^| )' || $1) order by name, patient_id limit 20`,
  typo: `select patient_id from bench_plain_patients where $1 <% name order by word_similarity($1, name) desc, patient_id limit 20`,
  dob: `select patient_id from bench_plain_patients where dob = $1::date order by name, patient_id limit 20`,
};

function gcNow(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export async function run(ctx: ProjectionBenchContext) {
  if (!names.some((n) => ctx.selected(n))) return [];
  const n = ctx.scale.name === 'large' ? 1_000_000 : ctx.scale.name === 'small' ? 20_000 : 100_000;
  const stores = await benchStores(ctx.db.pools.app);
  const admin = await ctx.db.admin();
  try {
    const patients: SeededPatient[] = [];
    for (const { patient } of syntheticClinic({ patients: n, casesPerPatient: 0, seed: 21 })) patients.push(patient);
    let t = Date.now();
    await writeDirectory(ctx.db.pools.owner, stores.keys, patients);
    ctx.log.info(`search: ${n} encrypted directory rows written in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    await admin.query('create extension if not exists pg_trgm');
    await admin.query('create table bench_plain_patients (patient_id uuid primary key, clinic_id uuid not null, name text not null, dob date not null, chart text not null)');
    for (let i = 0; i < n; i += 10_000) {
      const slice = patients.slice(i, i + 10_000);
      await admin.query(
        `insert into bench_plain_patients select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::text[])`,
        [slice.map((p) => p.patientId), slice.map((p) => p.clinicId), slice.map((p) => nameTokens(`${p.name.family} ${p.name.given}`).join(' ')), slice.map((p) => p.dateOfBirth), slice.map((p) => p.chartNumber)],
      );
    }
    await admin.query('create index bench_plain_name_trgm on bench_plain_patients using gin (name gin_trgm_ops)');
    await admin.query('create index bench_plain_dob on bench_plain_patients (dob)');
    await admin.query('analyze bench_plain_patients');
    await admin.query('grant select on bench_plain_patients to ortholedger_app');
    ctx.log.info(`search: plaintext copy with pg_trgm GIN built in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // Cold load: what an API process does at start (stream, decrypt, index), and the same rows read without decrypting.
    const gc = gcNow();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const search = new PatientSearchService(ctx.db.pools.app, stores.keys, { pageSize: 5000 });
    t = Date.now();
    await search.reload();
    const loadMs = Date.now() - t;
    gc();
    const bytesPerPatient = (process.memoryUsage().heapUsed - heapBefore) / n;
    t = Date.now();
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const page = await ctx.db.pools.app.query('select patient_id, clinic_id, care_team, demographics, pos_commit, pos_prepare from read_models.patient_directory where patient_id > $1 order by patient_id limit 5000', [after]);
      if (page.rows.length < 5000) break;
      after = page.rows[page.rows.length - 1].patient_id;
    }
    const plainReadMs = Date.now() - t;
    ctx.log.info(`search: cold load of ${search.size} patients ${loadMs} ms (rows read without decrypting: ${plainReadMs} ms); index heap ${Math.round(bytesPerPatient)} bytes/patient`);

    const random = new SeededRandom(5);
    const queries: { kind: keyof typeof PG_SQL; ours: PatientQuery; pg: string }[] = [];
    for (let i = 0; i < PER_KIND; i++) {
      const p = random.pick(patients);
      const family = nameTokens(p.name.family).sort((a, b) => b.length - a.length)[0];
      const prefix = family.slice(0, random.int(3, 5)); // folded tokens are letters and digits only: safe in a regex
      queries.push({ kind: 'prefix', ours: { name: prefix }, pg: prefix });
      const slip = foldText(misspell(family.length >= 5 ? family : `${family}${family}`, random));
      queries.push({ kind: 'typo', ours: { name: slip }, pg: slip });
      queries.push({ kind: 'dob', ours: { dateOfBirth: p.dateOfBirth }, pg: p.dateOfBirth });
    }
    const lat = { ours: [] as number[], pg: [] as number[] };
    const byKind: Record<string, { ours: number[]; pg: number[] }> = { prefix: { ours: [], pg: [] }, typo: { ours: [], pg: [] }, dob: { ours: [], pg: [] } };
    const { percentile } = ctx.timing;
    for (let round = 0; round < 2; round++) {
      for (const q of queries) {
        let s = process.hrtime.bigint();
        search.search({ ...q.ours, limit: 20 }, [{}]);
        const ours = Number(process.hrtime.bigint() - s) / 1e6;
        s = process.hrtime.bigint();
        await ctx.db.pools.app.query({ name: `bench_trgm_${q.kind}`, text: PG_SQL[q.kind], values: [q.pg] });
        const pg = Number(process.hrtime.bigint() - s) / 1e6;
        if (round === 0) continue; // warm-up round
        lat.ours.push(ours);
        lat.pg.push(pg);
        byKind[q.kind].ours.push(ours);
        byKind[q.kind].pg.push(pg);
      }
    }
    for (const [kind, l] of Object.entries(byKind)) {
      ctx.log.info(`search ${kind}: in-memory p50 ${percentile(l.ours, 50).toFixed(3)} / p95 ${percentile(l.ours, 95).toFixed(3)} ms; pg_trgm p50 ${percentile(l.pg, 50).toFixed(3)} / p95 ${percentile(l.pg, 95).toFixed(3)} ms`);
    }
    const p95 = [percentile(lat.ours, 95), percentile(lat.pg, 95)];
    const p50 = [percentile(lat.ours, 50), percentile(lat.pg, 50)];
    const result = (name: string, metric: string, unit: string, value: number, baseline: string, baselineValue: number) => ({
      name, metric, value: round(value), unit, baseline, baseline_value: round(baselineValue), ratio: baselineValue > 0 ? Math.round((value / baselineValue) * 1000) / 1000 : null,
    });
    const base = `pg_trgm GIN / B-tree over a plaintext copy of the same ${n} folded names and dates, same ${queries.length} mixed queries (prefix, typo, DOB), top 20, interleaved`;
    return [
      result('search_vs_pg_trgm', 'latency_p95', 'ms', p95[0], `${base}; lower is better, goal ratio <= 0.25`, p95[1]),
      result('search_vs_pg_trgm_p50', 'latency_p50', 'ms', p50[0], base, p50[1]),
      result('search_index_memory_per_patient', 'memory', 'bytes', bytesPerPatient, `goal: 1 KB per patient (${n} patients, heap after GC)`, 1024),
      result('search_index_cold_load', 'latency', 'ms', loadMs, `reading the same ${n} rows without decrypting or indexing`, plainReadMs),
    ];
  } finally {
    await admin.end();
    await stores.close();
  }
}
