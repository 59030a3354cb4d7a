import { foldChartNumber, maxTypos, nameTokens } from './name-normalise';
import { boundedOsa } from './edit-distance';
import { matchTier, nameScore } from './match';
import { TopK } from './top-k';
import { Postings } from './postings';
import { type IndexedPatient, type PatientQuery, type SearchHit, type SearchPage, SearchQueryInvalid, type SearchScope } from './search.types';

const MAX_LIMIT = 100;
/** More distinct words than any real name has ("Maria Jose Garcia Lopez de la Vega" has 7). */
const MAX_NAME_WORDS = 8;

function dobNumber(iso: string): number {
  return Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
}

/**
 * The in-memory patient index of one clinic API process. Columnar slots (ids, clinic and care
 * team as interned integers, date of birth as yyyymmdd, folded name and chart number), plus
 * postings from name tokens, dates and chart numbers to slots. An update tombstones the old slot
 * and appends a new one; compaction rebuilds when a quarter of the slots are dead.
 */
export class PatientSearchIndex {
  private ids: string[] = [];
  private names: string[] = [];
  private charts: string[] = [];
  private alive = new Uint8Array(1024);
  private clinic = new Int32Array(1024);
  private dob = new Int32Array(1024);
  private teamA = new Int32Array(1024);
  private teamB = new Int32Array(1024);
  private teamMore = new Map<number, number[]>();
  private readonly slotById = new Map<string, number>();
  private readonly clinics = new Map<string, number>();
  private readonly users = new Map<string, number>();
  private postings = new Postings();
  private dead = 0;

  get size(): number {
    return this.slotById.size;
  }

  upsert(patient: IndexedPatient): void {
    this.remove(patient.patientId);
    const slot = this.ids.length;
    this.grow(slot + 1);
    const tokens = [...nameTokens(patient.name.family), ...nameTokens(patient.name.given)];
    this.ids.push(patient.patientId);
    this.names.push(tokens.join(' '));
    const chart = foldChartNumber(patient.chartNumber);
    this.charts.push(chart);
    this.alive[slot] = 1;
    this.clinic[slot] = intern(this.clinics, patient.clinicId);
    this.dob[slot] = dobNumber(patient.dateOfBirth);
    const team = patient.careTeam.map((u) => intern(this.users, u));
    this.teamA[slot] = team[0] ?? -1;
    this.teamB[slot] = team[1] ?? -1;
    if (team.length > 2) this.teamMore.set(slot, team.slice(2));
    this.slotById.set(patient.patientId, slot);
    this.postings.add(slot, new Set(tokens), this.dob[slot], chart);
  }

  remove(patientId: string): void {
    const slot = this.slotById.get(patientId);
    if (slot === undefined) return;
    this.alive[slot] = 0;
    this.teamMore.delete(slot);
    this.slotById.delete(patientId);
    if (++this.dead > 1000 && this.dead * 4 > this.ids.length) this.compact();
  }

  clear(): void {
    Object.assign(this, new PatientSearchIndex());
  }

  search(query: PatientQuery, scopes: readonly SearchScope[]): SearchPage {
    const limit = Math.min(query.limit ?? 20, MAX_LIMIT);
    const offset = query.offset ?? 0;
    const tokens = query.name ? nameTokens(query.name) : [];
    const chart = query.chartNumber ? foldChartNumber(query.chartNumber) : undefined;
    const dob = parseDob(query.dateOfBirth);
    if (tokens.length === 0 && !chart && !dob) throw new SearchQueryInvalid('give a name, a date of birth or a chart number');
    // Each word is a pass over the vocabulary (one letter matches a large share of it): the work per query stays bounded.
    if (new Set(tokens).size > MAX_NAME_WORDS) throw new SearchQueryInvalid(`give at most ${MAX_NAME_WORDS} name words`);
    const scope = this.compileScopes(scopes);
    if (scope.length === 0) return { hits: [], total: 0 };

    let scored: Map<number, number> | undefined;
    let candidates: Iterable<number>;
    if (chart !== undefined) candidates = this.postings.chart(chart);
    else if (dob?.kind === 'day') candidates = this.postings.day(dob.value);
    else if (tokens.length > 0) candidates = (scored = this.nameScores(tokens)).keys();
    else candidates = this.postings.year(dob!.kind === 'year' ? dob!.value : Math.floor(dob!.value / 100));

    const byRank = (a: { slot: number; score: number }, b: { slot: number; score: number }) =>
      a.score - b.score || cmp(this.names[a.slot], this.names[b.slot]) || cmp(this.ids[a.slot], this.ids[b.slot]);
    const best = new TopK(offset + limit, byRank);
    let total = 0;
    for (const slot of candidates) {
      // Every hit counted and ranked here is one the caller may see: the access scope comes first.
      if (!this.alive[slot] || !this.inScope(slot, scope)) continue;
      if (chart !== undefined && this.charts[slot] !== chart) continue;
      if (dob && Math.floor(this.dob[slot] / dob.divisor) !== dob.value) continue;
      const score = scored ? scored.get(slot) : tokens.length > 0 ? nameScore(tokens, this.names[slot].split(' ')) : 0;
      if (score === undefined) continue;
      total++;
      best.push({ slot, score });
    }
    const page: SearchHit[] = best.sorted().slice(offset, offset + limit).map((h) => ({ patientId: this.ids[h.slot], score: h.score }));
    return { hits: page, total };
  }

  /** Approximate bytes held, for the memory-per-patient figure. */
  stats(): { patients: number; slots: number; vocabulary: number } {
    return { patients: this.size, slots: this.ids.length, vocabulary: this.postings.vocabularySize };
  }

  /**
   * slot -> name score for the query words, from the vocabulary: each word's tier is computed once
   * per distinct name word (not per patient), a patient keeps its best tier per query word, and
   * only patients matching every query word remain.
   */
  private nameScores(tokens: readonly string[]): Map<number, number> {
    const perToken = [...new Set(tokens)].map((token) => {
      const tiers = new Map<number, number>();
      const visit = (word: string, slots: readonly number[]) => {
        const tier = matchTier(token, word);
        if (tier === undefined) return;
        for (const slot of slots) {
          const known = tiers.get(slot);
          if (known === undefined || tier < known) tiers.set(slot, tier);
        }
      };
      this.postings.withPrefix(token, visit);
      const k = maxTypos(token.length);
      if (k > 0) this.postings.withLengthBetween(token.length - k, token.length + k, (word, slots) => boundedOsa(token, word, k) <= k && visit(word, slots));
      return { token, tiers };
    });
    // A repeated query word counts each time it is typed, as the brute force does.
    const weight = new Map<string, number>();
    for (const t of tokens) weight.set(t, (weight.get(t) ?? 0) + 1);
    perToken.sort((a, b) => a.tiers.size - b.tiers.size);
    const [smallest, ...rest] = perToken;
    const out = new Map<number, number>();
    for (const [slot, tier] of smallest.tiers) {
      let score = tier * weight.get(smallest.token)!;
      let all = true;
      for (const other of rest) {
        const t = other.tiers.get(slot);
        if (t === undefined) {
          all = false;
          break;
        }
        score += t * weight.get(other.token)!;
      }
      if (all) out.set(slot, score);
    }
    return out;
  }

  private compileScopes(scopes: readonly SearchScope[]): { clinic: number; member: number }[] {
    const out: { clinic: number; member: number }[] = [];
    for (const s of scopes) {
      const clinic = s.clinicId === undefined ? -1 : this.clinics.get(s.clinicId);
      const member = s.careTeamMember === undefined ? -1 : this.users.get(s.careTeamMember);
      if (clinic === undefined || member === undefined) continue; // nobody can match an unknown clinic or user
      out.push({ clinic, member });
    }
    return out;
  }

  private inScope(slot: number, scopes: readonly { clinic: number; member: number }[]): boolean {
    for (const s of scopes) {
      if (s.clinic !== -1 && this.clinic[slot] !== s.clinic) continue;
      if (s.member === -1 || this.teamA[slot] === s.member || this.teamB[slot] === s.member || this.teamMore.get(slot)?.includes(s.member)) return true;
    }
    return false;
  }

  private grow(n: number): void {
    if (n <= this.alive.length) return;
    const size = Math.max(n, this.alive.length * 2);
    const extend = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.alive = extend(this.alive);
    this.clinic = extend(this.clinic);
    this.dob = extend(this.dob);
    this.teamA = extend(this.teamA);
    this.teamB = extend(this.teamB);
  }

  private compact(): void {
    const live = [...this.slotById.entries()];
    const old = { ids: this.ids, names: this.names, charts: this.charts, clinic: this.clinic, dob: this.dob, a: this.teamA, b: this.teamB, more: this.teamMore };
    this.ids = [];
    this.names = [];
    this.charts = [];
    this.teamMore = new Map();
    this.postings = new Postings();
    this.slotById.clear();
    this.dead = 0;
    for (const [id, s] of live) {
      const slot = this.ids.length;
      this.ids.push(id);
      this.names.push(old.names[s]);
      this.charts.push(old.charts[s]);
      this.alive[slot] = 1;
      this.clinic[slot] = old.clinic[s];
      this.dob[slot] = old.dob[s];
      this.teamA[slot] = old.a[s];
      this.teamB[slot] = old.b[s];
      const more = old.more.get(s);
      if (more) this.teamMore.set(slot, more);
      this.slotById.set(id, slot);
      this.postings.add(slot, new Set(old.names[s].split(' ').filter(Boolean)), old.dob[s], old.charts[s]);
    }
    this.alive.fill(0, this.ids.length);
  }
}

function intern(map: Map<string, number>, value: string): number {
  let code = map.get(value);
  if (code === undefined) {
    code = map.size;
    map.set(value, code);
  }
  return code;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function parseDob(value: string | undefined): { kind: 'day' | 'month' | 'year'; value: number; divisor: number } | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value.trim());
  if (!m) throw new SearchQueryInvalid('dateOfBirth must be YYYY-MM-DD, YYYY-MM or YYYY');
  if (m[3]) return { kind: 'day', value: Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]), divisor: 1 };
  if (m[2]) return { kind: 'month', value: Number(m[1]) * 100 + Number(m[2]), divisor: 100 };
  return { kind: 'year', value: Number(m[1]), divisor: 10000 };
}
