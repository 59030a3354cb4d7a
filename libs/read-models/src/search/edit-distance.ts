let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions) with a bound:
 * returns bound + 1 as soon as the distance must exceed it. Only the diagonal band of width
 * 2 * bound + 1 is computed, so a vocabulary scan costs O(length * bound) per candidate.
 * Scratch rows are shared (single-threaded), so a scan allocates nothing.
 */
export function boundedOsa(a: string, b: string, bound: number): number {
  const n = a.length;
  const m = b.length;
  const big = bound + 1;
  if (Math.abs(n - m) > bound) return big;
  if (n === 0 || m === 0) return Math.min(Math.max(n, m), big);
  if (rows[0].length <= m) rows = [new Int32Array(m * 2), new Int32Array(m * 2), new Int32Array(m * 2)];
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - bound);
    const hi = Math.min(m, i + bound);
    cur.fill(big, 0, m + 1);
    cur[0] = i;
    let rowMin = lo > 1 ? big : i;
    const ca = a.charCodeAt(i - 1);
    const pa = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ca === cb ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (j > 1 && ca === b.charCodeAt(j - 2) && pa === cb && prev2[j - 2] + 1 < d) d = prev2[j - 2] + 1;
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > bound) return big;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[m], big);
}
