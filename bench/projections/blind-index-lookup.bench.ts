/**
 * blind_index_lookup: p95 of an exact lookup by chart number through the directory's blind index
 * (HMAC of the normalised input, indexed SQL match, confirmation tags rule out the coincidences,
 * decrypt what is left and compare) vs a plaintext
 * B-tree lookup of the same chart numbers in a plaintext copy, lookups interleaved (taking turns to
 * go first), all prepared. The lookup without confirmation tags (every candidate decrypted) and the
 * lookup's SQL alone (no crypto) run in the same loop and are printed for comparison.
 * 100k patients by default, 1M at --scale large (the sizes): the index keeps its 18 bits
 * (sized for 1M rows), so a lookup meets 0.4 false candidates at 100k and 3.8 at 1M; it prints how
 * many of them were decrypted (counted in a pass outside the timing).
 */
import { FieldCipher } from '@ortholedger/crypto';
import { openDemographics, PatientDirectoryQueries } from '@ortholedger/read-models';
import { syntheticClinic, type SeededPatient } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { SeededRandom } from '../../apps/cli/src/commands/seed/random';
import { benchStores, type ProjectionBenchContext, round, writeDirectory } from './projection-bench-fixtures';

export const names = ['blind_index_lookup'] as const;

export async function run(ctx: ProjectionBenchContext) {
  if (!ctx.selected('blind_index_lookup')) return [];
  const n = ctx.scale.name === 'large' ? 1_000_000 : ctx.scale.name === 'small' ? 20_000 : 100_000;
  const stores = await benchStores(ctx.db.pools.app);
  const admin = await ctx.db.admin();
  try {
    const patients: SeededPatient[] = [];
    for (const { patient } of syntheticClinic({ patients: n, casesPerPatient: 0, seed: 31 })) patients.push(patient);
    await writeDirectory(ctx.db.pools.owner, stores.keys, patients);
    await admin.query('create table bench_plain_directory (patient_id uuid primary key, clinic_id uuid not null, name text not null, dob text not null, chart_number text not null, email text, phone text)');
    for (let i = 0; i < n; i += 10_000) {
      const s = patients.slice(i, i + 10_000);
      await admin.query('insert into bench_plain_directory select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])', [
        s.map((p) => p.patientId), s.map((p) => p.clinicId), s.map((p) => `${p.name.given} ${p.name.family}`), s.map((p) => p.dateOfBirth), s.map((p) => p.chartNumber), s.map((p) => p.email), s.map((p) => p.phone),
      ]);
    }
    await admin.query('create index bench_plain_chart on bench_plain_directory (chart_number)');
    await admin.query('analyze bench_plain_directory');
    await admin.query('analyze read_models.patient_directory');
    await admin.query(`grant select on bench_plain_directory to ortholedger_app`);

    const directory = new PatientDirectoryQueries(ctx.db.pools.app, stores.keys);
    const random = new SeededRandom(8);
    const lookups = Array.from({ length: 2000 }, () => random.pick(patients).chartNumber);
    const ours: number[] = [];
    const plain: number[] = [];
    const untagged: number[] = [];
    const queryOnly: number[] = [];
    let matches = 0;
    // Rows the indexed SQL returns per lookup (true match plus coincidences), counted outside the timing.
    const index = stores.keys.directoryIndexes.chartNumber;
    const { rows: [{ n: candidateRows }] } = await ctx.db.pools.app.query(
      'select count(*)::int as n from read_models.patient_directory d join unnest($1::text[]) as l(bidx) on d.chart_number_bidx = l.bidx',
      [lookups.map((chart) => index.computeHex(chart))],
    );
    // For comparison only (not the result): the lookup as it was before confirmation tags, decrypting
    // and comparing every candidate the blind index returns.
    const lookupUntagged = async (chart: string) => {
      const wanted = index.definition.normalise(chart);
      const { rows } = await ctx.db.pools.app.query({ name: 'bench_untagged', text: 'select patient_id, clinic_id, demographics from read_models.patient_directory where chart_number_bidx = $1', values: [index.computeHexNormalised(wanted)] });
      return rows.filter((r) => index.definition.normalise(openDemographics(stores.keys, r.patient_id, r.demographics).chartNumber) === wanted);
    };
    // For the analysis only: the lookup's own SQL without any crypto (the HMAC computed beforehand,
    // nothing decrypted), so the query's share of the gap shows apart from the work in Node.
    const precomputed = new Map(lookups.map((chart) => [chart, index.computeHex(chart)]));
    const sqlOnly = (chart: string) =>
      ctx.db.pools.app.query({ name: 'bench_sql_only', text: 'select patient_id, clinic_id, chart_number_tag as tag, demographics from read_models.patient_directory where chart_number_bidx = $1', values: [precomputed.get(chart)] });
    const plainLookup = (chart: string) =>
      ctx.db.pools.app.query({ name: 'bench_plain_chart', text: 'select patient_id, clinic_id, name, dob, chart_number, email, phone from bench_plain_directory where chart_number = $1', values: [chart] });
    const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
      const t = process.hrtime.bigint();
      const value = await f();
      return [value, Number(process.hrtime.bigint() - t) / 1e6];
    };
    for (let round = 0; round < 2; round++) {
      for (const [i, chart] of lookups.entries()) {
        // The four lookups take turns going first, so none always meets the heap pages cold.
        let found: unknown[] = [], base: unknown[] = [], old: unknown[] = [];
        let a = 0, b = 0, c = 0, d = 0;
        for (let k = 0; k < 4; k++) {
          const which = (i + k) % 4;
          if (which === 0) [found, a] = await timed(() => directory.lookup('chartNumber', chart));
          else if (which === 1) [{ rows: base }, b] = await timed(() => plainLookup(chart));
          else if (which === 2) [old, c] = await timed(() => lookupUntagged(chart));
          else [, d] = await timed(() => sqlOnly(chart));
        }
        if (found.length !== base.length || old.length !== base.length) throw new Error('blind index lookup and plaintext lookup disagree');
        if (round === 0) continue;
        ours.push(a);
        plain.push(b);
        untagged.push(c);
        queryOnly.push(d);
        matches += found.length;
      }
    }
    // Rows decrypted per lookup, counted in an untimed pass: the confirmation tags should leave only the matches.
    let decrypted = 0;
    const decrypt = FieldCipher.prototype.decrypt;
    FieldCipher.prototype.decrypt = function counted(this: FieldCipher, ...args: Parameters<FieldCipher['decrypt']>) {
      decrypted++;
      return decrypt.apply(this, args);
    };
    try {
      for (const chart of lookups) await directory.lookup('chartNumber', chart);
    } finally {
      FieldCipher.prototype.decrypt = decrypt;
    }
    // The same decryption timed twice, first right after a plaintext lookup's round trip (the Node
    // thread was idle, waiting on the socket), then again at once: the difference is what waiting
    // costs the first work after it on this machine, for the lookup's decryption and for the
    // baseline's own row parsing alike. Untimed pass, printed for the analysis only.
    const { rows: sample } = await ctx.db.pools.app.query('select patient_id, demographics from read_models.patient_directory limit 200');
    const afterWait: number[] = [];
    const again: number[] = [];
    for (const [i, chart] of lookups.entries()) {
      const row = sample[i % sample.length];
      await plainLookup(chart);
      const t0 = process.hrtime.bigint();
      openDemographics(stores.keys, row.patient_id, row.demographics);
      const t1 = process.hrtime.bigint();
      openDemographics(stores.keys, row.patient_id, row.demographics);
      const t2 = process.hrtime.bigint();
      afterWait.push(Number(t1 - t0) / 1e3);
      again.push(Number(t2 - t1) / 1e3);
    }
    const { percentile } = ctx.timing;
    ctx.log.info(
      `blind_index_lookup: one decryption of a directory row right after a round trip p50 ${percentile(afterWait, 50).toFixed(1)} / p95 ${percentile(afterWait, 95).toFixed(1)} us; ` +
        `the same decryption again at once p50 ${percentile(again, 50).toFixed(1)} / p95 ${percentile(again, 95).toFixed(1)} us`,
    );
    const [p95, b95] = [percentile(ours, 95), percentile(plain, 95)];
    ctx.log.info(
      `blind_index_lookup: the lookup's SQL alone (no HMAC, nothing decrypted), same run: p50 ${percentile(queryOnly, 50).toFixed(3)} / p95 ${percentile(queryOnly, 95).toFixed(3)} ms, ` +
        `p95 ratio ${(percentile(queryOnly, 95) / b95).toFixed(3)} (the candidate rows it reads, against the baseline's one)`,
    );
    ctx.log.info(`blind_index_lookup: without confirmation tags (every candidate decrypted), same run: p50 ${percentile(untagged, 50).toFixed(3)} / p95 ${percentile(untagged, 95).toFixed(3)} ms, p95 ratio ${(percentile(untagged, 95) / b95).toFixed(3)}`);
    ctx.log.info(`blind_index_lookup: ${n} rows, ${lookups.length} lookups; blind index p50 ${percentile(ours, 50).toFixed(3)} / p95 ${p95.toFixed(3)} ms, plaintext B-tree p50 ${percentile(plain, 50).toFixed(3)} / p95 ${b95.toFixed(3)} ms; ${(matches / lookups.length).toFixed(2)} matches and ${(candidateRows / lookups.length).toFixed(2)} candidate rows and ${(decrypted / lookups.length).toFixed(2)} decrypted per lookup`);
    return [
      {
        name: 'blind_index_lookup', metric: 'latency_p95', value: round(p95), unit: 'ms',
        baseline: `plaintext B-tree lookup of the same chart numbers in a plaintext copy of ${n} rows, same fields returned (lower is better, goal ratio <= 1.2)`,
        baseline_value: round(b95), ratio: Math.round((p95 / b95) * 1000) / 1000,
      },
    ];
  } finally {
    await admin.end();
    await stores.close();
  }
}
