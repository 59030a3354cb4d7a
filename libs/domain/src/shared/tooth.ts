import { DomainError } from './domain-error';

/** FDI / ISO 3950 two-digit tooth number: quadrant digit then position digit. */
export type ToothNumber = number;
export type Arch = 'upper' | 'lower';

const UPPER_QUADRANTS = [1, 2, 5, 6];
/** Quadrant pairs that meet at the midline, so their central incisors touch. */
const MIDLINE_PAIRS = [
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
];

const quadrantOf = (tooth: number): number => Math.floor(tooth / 10);
const positionOf = (tooth: number): number => tooth % 10;

/** Permanent 11-18, 21-28, 31-38, 41-48; primary 51-55, 61-65, 71-75, 81-85. */
export function isValidTooth(tooth: unknown): tooth is ToothNumber {
  if (typeof tooth !== 'number' || !Number.isInteger(tooth)) return false;
  const quadrant = quadrantOf(tooth);
  const position = positionOf(tooth);
  if (quadrant < 1 || quadrant > 8 || position < 1) return false;
  return position <= (quadrant <= 4 ? 8 : 5);
}

export const isPrimaryTooth = (tooth: ToothNumber): boolean => isValidTooth(tooth) && quadrantOf(tooth) >= 5;

export function archOf(tooth: ToothNumber): Arch {
  if (!isValidTooth(tooth)) throw new DomainError('VALIDATION.INVALID_TOOTH', 'not an FDI tooth number');
  return UPPER_QUADRANTS.includes(quadrantOf(tooth)) ? 'upper' : 'lower';
}

/**
 * Two teeth that share an interproximal contact: neighbours in one quadrant (n, n+1), or the two
 * central incisors across the midline. Order-insensitive. Mixed-dentition contacts between a
 * permanent and a primary tooth (e.g. 16|55) are deliberately not accepted yet.
 */
export function isValidIprContact(a: unknown, b: unknown): boolean {
  if (!isValidTooth(a) || !isValidTooth(b) || a === b) return false;
  const [qa, qb] = [quadrantOf(a), quadrantOf(b)];
  const [pa, pb] = [positionOf(a), positionOf(b)];
  if (qa === qb) return Math.abs(pa - pb) === 1;
  const acrossMidline = MIDLINE_PAIRS.some(([x, y]) => (qa === x && qb === y) || (qa === y && qb === x));
  return acrossMidline && pa === 1 && pb === 1;
}
