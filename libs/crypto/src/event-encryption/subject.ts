import { isUuid } from '@ortholedger/event-store';
import type { EventToAppend } from '@ortholedger/event-store';
import { SubjectRequired } from '../errors';

/** Stream categories whose events concern one patient: their keys must be filed under that patient. */
export const DEFAULT_SUBJECT_CATEGORIES = ['patient', 'case'] as const;

/**
 * The subject (patient id, a random UUID and not PHI) the batch's keys are filed under, read from
 * `metadata.subjectId`. Required for patient and case streams, one value per batch, and a patient
 * stream's subject is the patient itself, so an erasure cannot miss it.
 */
export function subjectOf(streamId: string, events: readonly EventToAppend[], categories: readonly string[]): string | null {
  const category = streamId.slice(0, streamId.indexOf('-'));
  const values = new Set(events.map((e) => e.metadata.subjectId));
  if (values.size === 1 && values.has(undefined)) {
    if (categories.includes(category)) throw new SubjectRequired(streamId, 'metadata.subjectId (the patient id) is required');
    return null;
  }
  if (values.size !== 1) throw new SubjectRequired(streamId, 'every event of a batch must carry the same metadata.subjectId');
  const [value] = values;
  if (!isUuid(value)) throw new SubjectRequired(streamId, 'metadata.subjectId must be a UUID');
  const subject = value.toLowerCase();
  if (category === 'patient' && streamId.slice('patient-'.length).toLowerCase() !== subject) {
    throw new SubjectRequired(streamId, "a patient stream's subjectId must be the patient id");
  }
  return subject;
}
