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

/** Text with nothing to decompose, strip or map: folding is lower-casing (no ICU call). */
const ASCII = /^[\x00-\x7f]*$/;

export function foldText(value: string): string {
  if (ASCII.test(value)) return value.toLowerCase();
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
  // ASCII (every chart number we have seen) in one pass without a regex: this runs on every exact lookup.
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return foldText(value).replace(/[^\p{L}\p{N}]+/gu, '');
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) out += value[i];
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 0x20);
  }
  return out;
}

/** Typos allowed for a query token of this length: none for short tokens (too many false hits). */
export function maxTypos(length: number): number {
  if (length <= 3) return 0;
  return length <= 7 ? 1 : 2;
}
