import { isUuid } from '../realm';

type Flat = Record<string, string | number | boolean>;

/**
 * The integers an audit row may keep, by field name: paging and workflow counters. Any other number
 * is dropped like free text: a chart number, phone number or date of birth sent as a JSON number
 * (say by a numeric form field) must not reach the append-only, hash-chained audit log, where it
 * could never be removed again.
 */
const COUNTERS = new Set(['limit', 'page', 'pageSize', 'after', 'version', 'planVersion', 'stage', 'stageFrom', 'stageTo', 'currentStage', 'sizeBytes']);

/**
 * Request parameters as the audit log may keep them: UUIDs, booleans and the integers of known
 * counters (COUNTERS) of path, query and top-level body fields. Every string that is not a UUID is
 * dropped, whatever its key, because free text is where PHI hides; only the count of dropped fields
 * is kept.
 */
export function redactParams(parts: { path?: unknown; query?: unknown; body?: unknown }): Flat {
  const out: Flat = {};
  let dropped = 0;
  for (const [prefix, source] of Object.entries(parts)) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [key, value] of Object.entries(source as Record<string, unknown>).slice(0, 50)) {
      const safeKey = /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(key);
      if (safeKey && (isUuid(value) || typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value) && COUNTERS.has(key)))) {
        out[`${prefix}.${key}`] = value as string | number | boolean;
      } else {
        dropped += 1;
      }
    }
  }
  if (dropped > 0) out.redacted = dropped;
  return out;
}
