import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { boundedOsa } from './edit-distance';
import { foldChartNumber, foldText, nameTokens } from './name-normalise';
import { PatientSearchIndex } from './patient-search-index';
import { bruteForceSearch, naiveOsa } from '../testing/search-oracle';
import type { IndexedPatient, PatientQuery, SearchScope } from './search.types';

const GIVEN = ['María', 'Marie', 'Mario', 'José', 'Zoë', 'Zoe', 'Jürgen', 'Søren', 'Łukasz', 'Ayşe', 'Siobhán', 'Chloé', 'François', 'Anaïs', 'Thảo'];
const FAMILY = ['García', 'Garcia', 'Müller', 'Mueller', 'Dvořák', 'Çelik', "O'Brien", 'Lefèvre', 'Åkesson', 'Nguyễn', 'Peña', 'Wójcik', 'Gonçalves', 'van der Berg', 'Martinez-Lopez'];
const CLINICS = [randomUUID(), randomUUID(), randomUUID()];
const USERS = Array.from({ length: 6 }, () => randomUUID());

const typo = (word: string, i: number) => (word.length > 3 ? word.slice(0, i % word.length) + word.slice((i % word.length) + 1) : word);

const patientArb = fc.record({
  given: fc.constantFrom(...GIVEN),
  family: fc.constantFrom(...FAMILY),
  typoAt: fc.option(fc.nat(8), { nil: undefined }),
  year: fc.integer({ min: 1950, max: 2020 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  clinic: fc.constantFrom(...CLINICS),
  team: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 4 }),
  chart: fc.integer({ min: 1, max: 60 }),
}).map((r): IndexedPatient => ({
  patientId: randomUUID(),
  clinicId: r.clinic,
  careTeam: r.team,
  name: { given: r.given, family: r.typoAt === undefined ? r.family : typo(r.family, r.typoAt) },
  dateOfBirth: `${r.year}-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')}`,
  chartNumber: `CH-${r.chart}`,
}));

const scopeArb: fc.Arbitrary<readonly SearchScope[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant([{}]) },
  { weight: 2, arbitrary: fc.constantFrom(...CLINICS).map((clinicId) => [{ clinicId }]) },
  { weight: 2, arbitrary: fc.record({ clinicId: fc.constantFrom(...CLINICS), careTeamMember: fc.constantFrom(...USERS) }).map((s) => [s]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...USERS), fc.constantFrom(...CLINICS)).map(([careTeamMember, clinicId]) => [{ careTeamMember }, { clinicId }]) },
  { weight: 1, arbitrary: fc.constant([]) },
);

const sometimes = <T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: present, arbitrary: arb }, { weight: absent, arbitrary: fc.constant(undefined) });

/** Queries built from one patient's own data: prefixes, whole words, typos, transpositions, dates, chart numbers, combinations. */
function queryArb(patients: IndexedPatient[]): fc.Arbitrary<PatientQuery> {
  return fc.constantFrom(...patients).chain((p) => {
    const word = fc.constantFrom(...nameTokens(`${p.name.given} ${p.name.family}`), p.name.given, p.name.family);
    const name = fc.oneof(
      word.chain((w) => fc.integer({ min: 1, max: Math.max(1, w.length) }).map((n) => w.slice(0, n))),
      word.chain((w) => fc.nat(10).map((i) => typo(w, i))),
      word.chain((w) => fc.nat(10).map((i) => (w.length > 2 ? w.slice(0, i % (w.length - 1)) + w[(i % (w.length - 1)) + 1] + w[i % (w.length - 1)] + w.slice((i % (w.length - 1)) + 2) : w))),
      fc.tuple(word, word).map(([a, b]) => `${a} ${b.slice(0, 3)}`),
      fc.constantFrom('MARIA', 'garcia', 'muller', 'zoe', 'obrien', 'Nguyen', 'xq'),
    );
    const dob = fc.constantFrom(p.dateOfBirth, p.dateOfBirth.slice(0, 4), p.dateOfBirth.slice(0, 7));
    const chart = fc.constant(p.chartNumber.toLowerCase().replace('-', ' '));
    return fc
      .record({
        name: sometimes(name, 4, 1),
        dateOfBirth: sometimes(dob, 1, 1),
        chartNumber: sometimes(chart, 1, 3),
        page: fc.constantFrom(0, 0, 0, 1, 2),
        limit: fc.integer({ min: 1, max: 25 }),
      })
      .filter((q) => !!(q.name && nameTokens(q.name).length) || !!q.dateOfBirth || !!q.chartNumber)
      .map(({ page, limit, ...q }) => ({ ...q, offset: page * limit, limit }));
  });
}

describe('in-memory patient search', () => {
  it('normalises accents, case and punctuation', () => {
    expect(nameTokens("Zoë O'Brien-Nuñez")).toEqual(['zoe', 'o', 'brien', 'nunez']);
    expect(foldText('Groß Søren Łukasz Þór')).toBe('gross soren lukasz thor');
    expect(foldChartNumber('ch-00417')).toBe(foldChartNumber('CH 00417'));
    expect(foldChartNumber('ÇH–00417')).toBe('ch00417');
  });

  it('the ASCII shortcut folds exactly as the full Unicode fold (property)', () => {
    // The full path, spelled out: NFKD, marks removed, lower case; chart numbers keep letters and digits.
    const fullFold = (v: string) => v.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 24 }), (s) => {
        expect(foldText(s)).toBe(fullFold(s));
        // And against the real full path (special letters included): one accented letter sends the value there.
        expect(`${foldText(s)}e`).toBe(foldText(`${s}é`));
        expect(foldChartNumber(s)).toBe(fullFold(s).replace(/[^\p{L}\p{N}]+/gu, ''));
        // One non-ASCII character sends the whole value down the full path, with the same result for its ASCII part.
        expect(foldChartNumber(`${s}é`)).toBe(`${foldChartNumber(s)}e`);
      }),
      { numRuns: 2000 },
    );
  });

  it('banded edit distance equals the full-matrix one within the bound (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (a, b, k) => {
        const full = naiveOsa(a, b);
        expect(boundedOsa(a, b, k)).toBe(full <= k ? full : k + 1);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns exactly what a brute force over every patient returns: prefix, typo, date of birth, chart number, combined, paged, scoped (property)', () => {
    const seen = { queries: 0, withHits: 0, typoHits: 0 };
    fc.assert(
      fc.property(
        fc.array(patientArb, { minLength: 1, maxLength: 300 }).chain((patients) => fc.tuple(fc.constant(patients), fc.array(fc.tuple(queryArb(patients), scopeArb), { minLength: 1, maxLength: 20 }))),
        fc.boolean(),
        ([patients, queries], churn) => {
          const index = new PatientSearchIndex();
          patients.forEach((p) => index.upsert(p));
          if (churn) patients.slice(0, 20).forEach((p) => index.upsert(p)); // updates leave dead slots behind
          for (const [query, scopes] of queries) {
            const got = index.search(query, scopes);
            expect(got).toEqual(bruteForceSearch(patients, query, scopes));
            seen.queries++;
            if (got.total > 0) seen.withHits++;
            if (got.hits.some((h) => h.score >= 2)) seen.typoHits++;
            for (const hit of got.hits) {
              const p = patients.find((x) => x.patientId === hit.patientId)!;
              expect(scopes.some((s) => (!s.clinicId || s.clinicId === p.clinicId) && (!s.careTeamMember || p.careTeam.includes(s.careTeamMember)))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    console.log(`search property: ${seen.queries} queries equal to the brute force, ${seen.withHits} with matches, ${seen.typoHits} with typo-ranked hits`);
    // Not vacuous: most queries find someone, and typo matches are among them.
    expect(seen.withHits).toBeGreaterThan(seen.queries / 3);
    expect(seen.typoHits).toBeGreaterThan(50);
  });

  it('removals and compaction keep results equal to the brute force', () => {
    const patients = fc.sample(patientArb, 3000);
    const index = new PatientSearchIndex();
    patients.forEach((p) => index.upsert(p));
    const removed = new Set(patients.slice(0, 1500).map((p) => p.patientId));
    removed.forEach((id) => index.remove(id)); // past the compaction threshold
    const left = patients.filter((p) => !removed.has(p.patientId));
    for (const q of ['mar', 'garcai', 'muller', 'zo', 'nguyen']) expect(index.search({ name: q, limit: 100 }, [{}])).toEqual(bruteForceSearch(left, { name: q, limit: 100 }, [{}]));
    expect(index.size).toBe(left.length);
  });
});
