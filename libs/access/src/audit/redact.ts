import { isUuid } from '../realm';

type Flat = Record<string, string | number | boolean>;

/**
 * Request parameters as the audit log may keep them: UUIDs, booleans and integers of path, query
 * and top-level body fields. Every string that is not a UUID is dropped, whatever its key, because
 * free text is where PHI hides; only the count of dropped fields is kept.
 */
export function redactParams(parts: { path?: unknown; query?: unknown; body?: unknown }): Flat {
  const out: Flat = {};
  let dropped = 0;
  for (const [prefix, source] of Object.entries(parts)) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [key, value] of Object.entries(source as Record<string, unknown>).slice(0, 50)) {
      const safeKey = /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(key);
      if (safeKey && (isUuid(value) || typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value)))) {
        out[`${prefix}.${key}`] = value as string | number | boolean;
      } else {
        dropped += 1;
      }
    }
  }
  if (dropped > 0) out.redacted = dropped;
  return out;
}
