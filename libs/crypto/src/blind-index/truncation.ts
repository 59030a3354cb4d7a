import { CryptoInputError } from '../errors';

/** Documented default: sized for a million rows, giving 18 bits and about 3.8 expected coincidences. */
export const DEFAULT_EXPECTED_ROWS = 1_000_000;

/** Expected rows sharing one index value by chance: C = R / 2^(sum of the column's index bits). */
export function expectedCoincidences(expectedRows: number, totalBits: number): number {
  return expectedRows / 2 ** totalBits;
}

/**
 * Output length of a blind index, by CipherSweet's rule: expected coincidences C must satisfy
 * 2 <= C <= sqrt(R), so an index never pins down a single row (C >= 2) yet still narrows a lookup.
 * Picks the largest length meeting C >= 2 (fewest false positives), counting the bits of the
 * column's other indexes, and refuses when no length can meet both bounds.
 */
export function truncationBits(expectedRows: number, otherIndexBits: readonly number[] = []): number {
  if (!Number.isSafeInteger(expectedRows) || expectedRows < 4) {
    throw new CryptoInputError('expected row count must be an integer >= 4');
  }
  const others = otherIndexBits.reduce((a, b) => a + b, 0);
  // floor(log2 R) in integers, safe from floating-point error at powers of two.
  let log = Math.floor(Math.log2(expectedRows));
  while (2 ** (log + 1) <= expectedRows) log++;
  while (2 ** log > expectedRows) log--;
  const bits = log - 1 - others; // largest total T with 2^(T+1) <= R, i.e. C >= 2
  const total = bits + others;
  if (bits < 1 || 4 ** total < expectedRows) {
    throw new CryptoInputError('no index length keeps 2 <= C <= sqrt(R) with the column\'s other indexes; drop one or raise R');
  }
  return Math.min(bits, 256);
}
