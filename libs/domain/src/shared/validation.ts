import { DomainError } from './domain-error';
import { isUuid } from './streams';

/* Guards for command input. Messages name the field, never echo the value (it may be PHI). */

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date in YYYY-MM-DD form (no 2023-02-30). Arithmetic only: the domain never builds Dates. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** ISO-8601 with a zone; the date part must be a real calendar date (Date.parse alone rolls 02-30 over). */
export const isIsoTimestamp = (value: unknown): value is string =>
  typeof value === 'string' &&
  ISO_TIMESTAMP.test(value) &&
  isIsoDate(value.slice(0, 10)) &&
  !Number.isNaN(Date.parse(value));

export function requireUuid(value: unknown, field: string): string {
  if (!isUuid(value)) throw new DomainError('VALIDATION.INVALID_ID', `${field} must be a lower-case UUID`);
  return value;
}

/** Format (zero-width, bidi marks), control and white-space characters: invisible, so no content on their own. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{White_Space}]/gu;

/**
 * Text with nothing visible in it: empty once format, control and white-space characters are removed
 * (trim() keeps U+200B and its kin, so "\u200b" passed as a diagnosis). Only the test strips them:
 * text with visible content is stored as given, trimmed.
 */
export const isBlankText = (value: string): boolean => value.normalize('NFC').replace(INVISIBLE, '') === '';

export function requireText(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== 'string' || isBlankText(value)) {
    throw new DomainError('VALIDATION.REQUIRED', `${field} is required`);
  }
  const text = value.trim();
  if (text.length > maxLength) {
    throw new DomainError('VALIDATION.TOO_LONG', `${field} exceeds ${maxLength} characters`);
  }
  return text;
}

/** Absent stays absent (undefined); present must be non-empty text. */
export const optionalText = (value: unknown, field: string, maxLength = 200): string | undefined =>
  value === undefined ? undefined : requireText(value, field, maxLength);

export function requireReason(value: unknown, maxLength = 1000): string {
  if (typeof value !== 'string' || isBlankText(value)) {
    throw new DomainError('VALIDATION.REASON_REQUIRED', 'a reason is required');
  }
  return requireText(value, 'reason', maxLength);
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DomainError('VALIDATION.INVALID_VALUE', `${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export const isIntegerInRange = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

export function requireTimestamp(value: unknown, field: string): string {
  if (!isIsoTimestamp(value)) {
    throw new DomainError('VALIDATION.INVALID_TIMESTAMP', `${field} must be an ISO-8601 timestamp`);
  }
  return value;
}

/** Keep optional keys out of event data when absent, so events round-trip through JSON unchanged. */
export const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
