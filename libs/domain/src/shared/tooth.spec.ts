import fc from 'fast-check';
import { DomainError } from './domain-error';
import { archOf, isPrimaryTooth, isValidIprContact, isValidTooth } from './tooth';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const VALID = [
  ...[1, 2, 3, 4].flatMap((q) => range(q * 10 + 1, q * 10 + 8)),
  ...[5, 6, 7, 8].flatMap((q) => range(q * 10 + 1, q * 10 + 5)),
];

describe('FDI tooth numbers', () => {
  it('accepts exactly the 32 permanent and 20 primary teeth', () => {
    expect(VALID).toHaveLength(52);
    expect(range(-5, 120).filter(isValidTooth)).toEqual(VALID);
  });

  it.each([0, 10, 19, 20, 29, 30, 39, 49, 50, 56, 60, 66, 76, 86, 90, 99, 100, 11.5, NaN])('refuses %p', (tooth) => {
    expect(isValidTooth(tooth)).toBe(false);
  });

  it.each(['11', null, undefined, {}])('refuses non-numbers like %p', (tooth) => {
    expect(isValidTooth(tooth)).toBe(false);
  });

  it('places quadrants 1, 2, 5, 6 in the upper arch and 3, 4, 7, 8 in the lower', () => {
    expect([11, 28, 51, 65].map(archOf)).toEqual(['upper', 'upper', 'upper', 'upper']);
    expect([31, 48, 71, 85].map(archOf)).toEqual(['lower', 'lower', 'lower', 'lower']);
  });

  it('refuses to name the arch of an invalid tooth', () => {
    expect(() => archOf(19)).toThrow(DomainError);
  });

  it('knows primary teeth', () => {
    expect(isPrimaryTooth(55)).toBe(true);
    expect(isPrimaryTooth(16)).toBe(false);
  });
});

describe('IPR contacts', () => {
  it.each([
    [11, 12],
    [12, 11],
    [17, 18],
    [11, 21],
    [21, 11],
    [31, 41],
    [51, 61],
    [71, 81],
    [54, 55],
    [44, 45],
  ])('accepts %p|%p', (a, b) => expect(isValidIprContact(a, b)).toBe(true));

  it.each([
    [11, 22, 'non-adjacent across the midline'],
    [11, 13, 'skips a tooth'],
    [13, 43, 'crosses arches'],
    [11, 41, 'crosses arches at the midline'],
    [21, 31, 'crosses arches'],
    [11, 11, 'same tooth'],
    [18, 21, 'wrong ends of the arch'],
    [12, 22, 'laterals across the midline'],
    [11, 61, 'permanent with primary across the midline'],
    [15, 55, 'permanent with primary'],
    [19, 18, 'invalid tooth'],
    [55, 56, 'invalid primary tooth'],
  ])('refuses %p|%p (%s)', (a, b) => expect(isValidIprContact(a, b)).toBe(false));

  it('is order-insensitive and only ever joins teeth of one arch', () => {
    const tooth = fc.constantFrom(...VALID);
    fc.assert(
      fc.property(tooth, tooth, (a, b) => {
        expect(isValidIprContact(a, b)).toBe(isValidIprContact(b, a));
        if (isValidIprContact(a, b)) expect(archOf(a)).toBe(archOf(b));
      }),
    );
  });

  it('gives every arch a chain of contacts from one end to the other', () => {
    const upperPermanent = [18, 17, 16, 15, 14, 13, 12, 11, 21, 22, 23, 24, 25, 26, 27, 28];
    const pairs = upperPermanent.slice(1).map((tooth, i) => [upperPermanent[i], tooth]);
    expect(pairs.every(([a, b]) => isValidIprContact(a, b))).toBe(true);
    const allContacts = VALID.flatMap((a) => VALID.filter((b) => a < b && isValidIprContact(a, b)).map((b) => [a, b]));
    // Two permanent arches of 16 teeth (15 contacts each), two primary arches of 10 (9 each).
    expect(allContacts).toHaveLength(2 * 15 + 2 * 9);
  });
});
