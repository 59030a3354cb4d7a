import { CryptoInputError } from '../errors';

/**
 * Input normalisers for blind indexes: equal meaning must give equal bytes before the HMAC, or an
 * exact-match lookup misses. Errors never echo the input (it is PHI).
 */
export type Normaliser = (value: string) => string;

export const trim: Normaliser = (v) => v.trim();
export const nfkc: Normaliser = (v) => v.normalize('NFKC');
export const collapseWhitespace: Normaliser = (v) => v.replace(/\s+/gu, ' ');
/** Full case folding approximated by upper-then-lower, so "Straße" and "STRASSE" agree. */
export const caseFold: Normaliser = (v) => v.toUpperCase().toLowerCase();
export const digitsOnly: Normaliser = (v) => v.normalize('NFKC').replace(/\D/gu, '');

/** Calendar dates as YYYY-MM-DD from `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD` or an ISO timestamp's date part. */
export const isoDate: Normaliser = (v) => {
  const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[T ].*)?$/.exec(v.trim());
  if (!m) throw new CryptoInputError('date must be YYYY-MM-DD');
  const [, y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    throw new CryptoInputError('date is not a calendar date');
  }
  return `${y}-${mo}-${d}`;
};

export function compose(...steps: Normaliser[]): Normaliser {
  return (v) => steps.reduce((acc, step) => step(acc), v);
}

/** Ready-made chains for the fields we index. */
export const normalise = {
  /** Names and free identifiers: NFKC, trimmed, inner whitespace collapsed, case-folded. */
  text: compose(nfkc, trim, collapseWhitespace, caseFold),
  email: compose(nfkc, trim, caseFold),
  /** Phone numbers compare on their digits: "+41 (0)79 123 45 67" and "41079 1234567" agree. */
  phone: compose(digitsOnly),
  date: isoDate,
  exact: (v: string) => v,
} as const;
