import fc from 'fast-check';

/** A request body as JSON data or as raw text (for keys JSON.stringify cannot express, and broken JSON). */
export type FuzzBody = { readonly json: unknown } | { readonly raw: string };

type Path = readonly (string | number)[];

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', '2011-02-30', '1e309', 'NaN', '00000000-0000-0000-0000-000000000000', 'DROP TABLE events;--', '\u0000', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE),
);
/** A value of the wrong type (or the right type with a wrong value) for any field. */
const wrong = fc.oneof(
  { weight: 8, arbitrary: leaf },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 6 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 4 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const unknownKey = fc.oneof(fc.string({ minLength: 1, maxLength: 16 }), fc.constantFrom(...PROTO_KEYS));

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}
const objectPaths = (value: unknown): Path[] => [[], ...paths(value).filter((p) => isObject(at(value, p)))];
const stringPaths = (value: unknown): Path[] => paths(value).filter((p) => typeof at(value, p) === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (value: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);

/** Sets an own property even for `__proto__`, so the key reaches the wire as a key. */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
function dropAt(root: unknown, path: Path): unknown {
  const copy = structuredClone(root);
  const parent = at(copy, path.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
  else delete (parent as Record<string, unknown>)[String(path[path.length - 1])];
  return copy;
}

/**
 * Bodies around a valid one: wrong types, unknown and nested unknown keys, prototype keys,
 * missing fields, huge strings, arbitrary JSON, broken JSON, and the valid body itself.
 */
export function bodiesAround(valid: object): fc.Arbitrary<FuzzBody> {
  const fields = paths(valid);
  const objects = objectPaths(valid);
  const strings = stringPaths(valid);
  const options: { weight: number; arbitrary: fc.Arbitrary<FuzzBody> }[] = [
    { weight: 4, arbitrary: fc.record({ path: fc.constantFrom(...objects), key: unknownKey, value: wrong }).map(({ path, key, value }) => ({ json: setAt(valid, [...path, key], value) })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.constantFrom(...objects).map((path) => ({ raw: protoPoison(valid, path, '__proto__') })) },
    { weight: 2, arbitrary: fc.constantFrom(...objects).map((path) => ({ raw: protoPoison(valid, path, 'constructor') })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => ({ raw: `{"a":${s}` })) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((depth) => ({ raw: '['.repeat(depth) + ']'.repeat(depth) })) },
    { weight: 1, arbitrary: fc.constant({ json: valid }) },
  ];
  if (fields.length > 0) {
    options.push({ weight: 8, arbitrary: fc.record({ path: fc.constantFrom(...fields), value: wrong }).map(({ path, value }) => ({ json: setAt(valid, path, value) })) });
    options.push({ weight: 2, arbitrary: fc.constantFrom(...fields).map((path) => ({ json: dropAt(valid, path) })) });
  }
  if (strings.length > 0) {
    options.push({
      weight: 2,
      arbitrary: fc.record({ path: fc.constantFrom(...strings), size: fc.oneof(fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 200_000, max: 400_000 })) })
        .map(({ path, size }) => ({ json: setAt(valid, path, 'x'.repeat(size)) })),
    });
  }
  return fc.oneof(...options);
}

/** The valid body with a prototype-polluting member at `path`, as raw JSON text. */
function protoPoison(valid: object, path: Path, key: '__proto__' | 'constructor'): string {
  const marker = 'POISON_MARKER_KEY';
  const payload: object = key === '__proto__' ? { polluted: 'yes', toString: 'x' } : { prototype: { polluted: 'yes' } };
  return JSON.stringify(setAt(valid, [...path, marker], payload)).replace(`"${marker}"`, `"${key}"`);
}
