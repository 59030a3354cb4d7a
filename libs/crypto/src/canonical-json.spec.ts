import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

// Rebuilds objects with their keys inserted in reverse order (integer-like keys still enumerate first in JS).
const reverseKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverseKeys((v as Record<string, unknown>)[k])])) : v;

describe('canonicalJson', () => {
  it('is the same JSON value, whatever the key order, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(reverseKeys(v))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores key order and follows JSON.stringify for undefined, dates and non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 2], c: undefined, d: new Date(0), e: NaN })).toBe(
      '{"a":[null,2],"b":1,"d":"1970-01-01T00:00:00.000Z","e":null}',
    );
    expect(canonicalJson({ x: { z: 1, y: 2 } })).toBe(canonicalJson({ x: { y: 2, z: 1 } }));
    expect(canonicalJson({ b: 1, 10: 1, 9: 1, a: 1 })).toBe('{"10":1,"9":1,"a":1,"b":1}'); // code-unit order, not JS enumeration order
  });
});
