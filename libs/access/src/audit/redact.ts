import { CLINIC_ROLES, isUuid } from '../realm';

type Flat = Record<string, string | number | boolean>;
type Source = 'path' | 'query' | 'body';

/**
 * The integers an audit row may keep, by field name: paging and workflow counters. Any other number
 * is dropped like free text: a chart number, phone number or date of birth sent as a JSON number
 * (say by a numeric form field) must not reach the append-only, hash-chained audit log, where it
 * could never be removed again.
 */
const COUNTERS = new Set(['limit', 'page', 'pageSize', 'after', 'version', 'planVersion', 'stage', 'stageFrom', 'stageTo', 'currentStage', 'sizeBytes']);

/**
 * Top-level body and query fields that request DTOs declare as ids (@IsId, @IsUUID): the ids of
 * what a request touches beyond its path. Keep in step with the DTOs: assign-care-team-member
 * (userId), transfer-patient (toClinicId), correct-entry (correctsEntryId), admin create-user (clinicId).
 */
const ID_FIELDS = new Set(['userId', 'toClinicId', 'correctsEntryId', 'clinicId']);

/** Top-level booleans that request DTOs declare: none today (consent is a status code, not a flag). */
const FLAG_FIELDS: ReadonlySet<string> = new Set<string>();

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

/** Members a care-team list may name in an audit row (a registration or transfer names at most a handful). */
const MAX_TEAM_MEMBERS = 20;

/**
 * The top-level `careTeam` list of register-patient and transfer-patient, as `userId:role` pairs
 * joined by commas: who was given access to the patient is what an auditor asks first. Kept only
 * when every member is a UUID with a clinic role (the guard sees the body before validation, so
 * a client could put anything there); otherwise the whole list is dropped like any other value.
 */
function careTeamParam(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TEAM_MEMBERS) return undefined;
  const members: string[] = [];
  for (const member of value) {
    if (!member || typeof member !== 'object' || Array.isArray(member)) return undefined;
    const { userId, role, ...rest } = member as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || !isUuid(userId) || !(CLINIC_ROLES as readonly unknown[]).includes(role)) return undefined;
    members.push(`${userId}:${role as string}`);
  }
  return members.join(',');
}

/** Whether a stored `body.careTeam` value is exactly what careTeamParam gives (sanitiseAuditRecord checks every record). */
export function isCareTeamParam(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const members = value.split(',').map((m) => {
    const [userId, role, ...extra] = m.split(':');
    return extra.length > 0 ? { userId, role, extra } : { userId, role };
  });
  return careTeamParam(members) === value;
}

/**
 * Whether the audit log may keep one request parameter. Path parameters are named by the route, so
 * any of them holding a UUID is kept. Query and body keys are named by the client, and a key is as
 * telling as a value (`{"Maria_Lopez": true}`): only the names above, with the type they are
 * declared with, are kept.
 */
export function isAuditedParam(source: Source, key: string, value: unknown): boolean {
  if (!FIELD_NAME.test(key)) return false;
  if (source === 'path') return isUuid(value);
  return (
    (ID_FIELDS.has(key) && isUuid(value)) ||
    (FLAG_FIELDS.has(key) && typeof value === 'boolean') ||
    (COUNTERS.has(key) && typeof value === 'number' && Number.isSafeInteger(value))
  );
}

/**
 * Request parameters as the audit log may keep them (see isAuditedParam): path ids, the declared
 * ids and counters of the query and the top-level body, and a care-team list's members (careTeamParam). Everything else is dropped,
 * whatever its value, and only counted (`redacted`).
 */
export function redactParams(parts: { path?: unknown; query?: unknown; body?: unknown }): Flat {
  const out: Flat = {};
  let dropped = 0;
  for (const source of ['path', 'query', 'body'] as const) {
    const values = parts[source];
    if (!values || typeof values !== 'object' || Array.isArray(values)) continue;
    const entries = Object.entries(values as Record<string, unknown>);
    dropped += Math.max(0, entries.length - 50);
    for (const [key, value] of entries.slice(0, 50)) {
      const team = source === 'body' && key === 'careTeam' ? careTeamParam(value) : undefined;
      if (team !== undefined) out['body.careTeam'] = team;
      else if (isAuditedParam(source, key, value)) out[`${source}.${key}`] = value as string | number | boolean;
      else dropped += 1;
    }
  }
  if (dropped > 0) out.redacted = dropped;
  return out;
}
