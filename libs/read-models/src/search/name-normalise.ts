/**
 * Search form of names: accents and case removed, letters that do not decompose mapped to their
 * usual Latin spelling, punctuation (hyphens, apostrophes) splitting tokens. "Zoë O'Brien-Nuñez"
 * -> ["zoe", "o", "brien", "nunez"]. Query and index use the same function, so they agree.
 */
const SPECIAL: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l', ĸ: 'k', ŋ: 'n',
};
const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

export function foldText(value: string): string {
  const lower = value.normalize('NFKD').replace(MARKS, '').toLowerCase();
  let out = '';
  for (const ch of lower) out += SPECIAL[ch] ?? ch;
  return out;
}

export function nameTokens(value: string): string[] {
  return foldText(value)
    .split(SEPARATORS)
    .filter((t) => t.length > 0);
}

/** Chart numbers compare without case, spaces or punctuation: "ch-00417" finds "CH 00417". */
export function foldChartNumber(value: string): string {
  return foldText(value).replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Typos allowed for a query token of this length: none for short tokens (too many false hits). */
export function maxTypos(length: number): number {
  if (length <= 3) return 0;
  return length <= 7 ? 1 : 2;
}
