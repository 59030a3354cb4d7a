import { DomainError } from './domain-error';

/** Canonical lower-case RFC 9562 UUID (versions 1-8). Upper case is refused so one id has one stream name. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export const PATIENT_STREAM_PREFIX = 'patient-';
export const CASE_STREAM_PREFIX = 'case-';

export type StreamAggregate = 'patient' | 'treatment_case';

function streamName(prefix: string, id: string): string {
  if (!isUuid(id)) throw new DomainError('VALIDATION.INVALID_ID', 'stream id must be a lower-case UUID');
  return `${prefix}${id}`;
}

export const patientStream = (patientId: string): string => streamName(PATIENT_STREAM_PREFIX, patientId);
export const caseStream = (caseId: string): string => streamName(CASE_STREAM_PREFIX, caseId);

export function parseStreamName(name: string): { aggregate: StreamAggregate; id: string } | undefined {
  for (const [prefix, aggregate] of [
    [PATIENT_STREAM_PREFIX, 'patient'],
    [CASE_STREAM_PREFIX, 'treatment_case'],
  ] as const) {
    if (name.startsWith(prefix) && isUuid(name.slice(prefix.length))) {
      return { aggregate, id: name.slice(prefix.length) };
    }
  }
  return undefined;
}
