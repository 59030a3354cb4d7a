/**
 * Postings of the search index: name token -> slots, date of birth -> slots, year -> slots,
 * chart number -> slots. Name tokens are also kept sorted (prefix search by binary search; new
 * tokens wait in a small unsorted overflow) and bucketed by length (typo scans look only at
 * lengths within the allowed distance). Dead slots stay in postings; the index skips them.
 */
export class Postings {
  private readonly byToken = new Map<string, number[]>();
  private readonly byDay = new Map<number, number[]>();
  private readonly byYear = new Map<number, number[]>();
  private readonly byChart = new Map<string, number[]>();
  private readonly byLength: string[][] = [];
  private sorted: string[] = [];
  private overflow: string[] = [];

  get vocabularySize(): number {
    return this.byToken.size;
  }

  add(slot: number, tokens: Iterable<string>, day: number, chart: string): void {
    for (const token of tokens) {
      let list = this.byToken.get(token);
      if (!list) {
        list = [];
        this.byToken.set(token, list);
        this.overflow.push(token);
        (this.byLength[token.length] ??= []).push(token);
      }
      list.push(slot);
    }
    push(this.byDay, day, slot);
    push(this.byYear, Math.floor(day / 10000), slot);
    if (chart) push(this.byChart, chart, slot);
    // Merge when the overflow is a sixteenth of the sorted list: O(log n) merges over a bulk load.
    if (this.overflow.length > Math.max(256, this.sorted.length >> 4)) this.merge();
  }

  day(value: number): readonly number[] {
    return this.byDay.get(value) ?? [];
  }

  year(value: number): readonly number[] {
    return this.byYear.get(value) ?? [];
  }

  chart(value: string): readonly number[] {
    return this.byChart.get(value) ?? [];
  }

  /** Calls back with every token starting with `prefix`, and its slots. */
  withPrefix(prefix: string, visit: (token: string, slots: readonly number[]) => void): void {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) visit(this.sorted[i], this.byToken.get(this.sorted[i])!);
    for (const token of this.overflow) if (token.startsWith(prefix)) visit(token, this.byToken.get(token)!);
  }

  /** Calls back with every token whose length is in [min, max], and its slots. */
  withLengthBetween(min: number, max: number, visit: (token: string, slots: readonly number[]) => void): void {
    for (let len = Math.max(1, min); len <= max && len < this.byLength.length; len++) {
      for (const token of this.byLength[len] ?? []) visit(token, this.byToken.get(token)!);
    }
  }

  private merge(): void {
    const add = this.overflow.sort();
    const out = new Array<string>(this.sorted.length + add.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.sorted.length && j < add.length) out[k++] = this.sorted[i] < add[j] ? this.sorted[i++] : add[j++];
    while (i < this.sorted.length) out[k++] = this.sorted[i++];
    while (j < add.length) out[k++] = add[j++];
    this.sorted = out;
    this.overflow = [];
  }
}

function push<K>(map: Map<K, number[]>, key: K, slot: number): void {
  const list = map.get(key);
  if (list) list.push(slot);
  else map.set(key, [slot]);
}
