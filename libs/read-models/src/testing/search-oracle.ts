import { foldChartNumber, maxTypos, nameTokens } from '../search/name-normalise';
import type { IndexedPatient, PatientQuery, SearchScope } from '../search/search.types';

/** Full-matrix optimal string alignment distance: slow, obviously right, independent of the banded one. */
export function naiveOsa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The search as a specification, by brute force over every patient: scope first, then each
 * criterion, then the ranking (score, folded name, id), then the page.
 */
export function bruteForceSearch(patients: readonly IndexedPatient[], query: PatientQuery, scopes: readonly SearchScope[]) {
  const q = query.name ? nameTokens(query.name) : [];
  const chart = query.chartNumber ? foldChartNumber(query.chartNumber) : undefined;
  const hits: { patientId: string; score: number; key: string }[] = [];
  for (const p of patients) {
    const inScope = scopes.some((s) => (s.clinicId === undefined || s.clinicId === p.clinicId) && (s.careTeamMember === undefined || p.careTeam.includes(s.careTeamMember)));
    if (!inScope) continue;
    if (chart !== undefined && foldChartNumber(p.chartNumber) !== chart) continue;
    if (query.dateOfBirth && !p.dateOfBirth.startsWith(query.dateOfBirth)) continue;
    const tokens = [...nameTokens(p.name.family), ...nameTokens(p.name.given)];
    let score = 0;
    let matched = true;
    for (const qt of q) {
      const tiers = tokens.map((t) => (t === qt ? 0 : t.startsWith(qt) ? 1 : maxTypos(qt.length) > 0 && naiveOsa(qt, t) <= maxTypos(qt.length) ? 1 + naiveOsa(qt, t) : Infinity));
      const best = Math.min(...tiers);
      if (best === Infinity) matched = false;
      score += best;
    }
    if (matched) hits.push({ patientId: p.patientId, score, key: tokens.join(' ') });
  }
  hits.sort((a, b) => a.score - b.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.patientId < b.patientId ? -1 : 1));
  const offset = query.offset ?? 0;
  const limit = Math.min(query.limit ?? 20, 100);
  return { total: hits.length, hits: hits.slice(offset, offset + limit).map(({ patientId, score }) => ({ patientId, score })) };
}
