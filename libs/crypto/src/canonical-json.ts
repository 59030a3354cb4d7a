/**
 * Deterministic JSON: object keys sorted, no whitespace, `undefined` members dropped (as JSON.stringify
 * does). Used wherever bytes must be identical on write and read: AAD, KMS/local key contexts, HKDF info.
 * Values read back from jsonb round-trip to the same text because only JSON values are accepted.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
