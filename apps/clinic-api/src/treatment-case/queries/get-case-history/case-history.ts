import { type CaseEvent, type CaseEventSummary, summarizeCaseEvent } from '@ortholedger/domain';
import type { RecordedEvent } from '@ortholedger/event-store';
import { decodeEvent } from '@ortholedger/platform';

export interface HistoryEntry {
  revision: number;
  type: string;
  /** When it happened (the command's time); `recordedAt` is when the store committed it. */
  occurredAt?: string;
  recordedAt: string;
  actor: { userId?: string; role?: string };
  correlationId?: string;
  entryId?: string;
  /** PHI-free description: ids, codes, stage numbers. Always present unless redacted. */
  summary?: CaseEventSummary;
  /** The decrypted event data: only for callers allowed clinical content. */
  content?: Record<string, unknown>;
  /** On a correction: the entry it corrects. */
  corrects?: { entryId: string; revision?: number; type: string };
  /** On a corrected entry: the corrections that amend it, oldest first. */
  correctedBy?: string[];
  /** The patient was erased: keys destroyed, only type, time and actor remain. */
  redacted?: true;
}

export interface CaseHistory {
  caseId: string;
  revision: number;
  clinicalContent: boolean;
  entries: HistoryEntry[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every event of the case in order; corrections linked both ways; nothing hidden except by role. */
export function caseHistory(caseId: string, recorded: readonly RecordedEvent[], clinical: boolean): CaseHistory {
  const entries = recorded.map((r) => entryOf(r, clinical));
  const byEntryId = new Map(entries.filter((e) => e.entryId).map((e) => [e.entryId as string, e]));
  for (const entry of entries) {
    if (entry.summary?.kind !== 'entry_corrected') continue;
    const target = byEntryId.get(entry.summary.correctsEntryId);
    entry.corrects = { entryId: entry.summary.correctsEntryId, revision: target?.revision, type: entry.summary.correctedType };
    if (target && entry.entryId) target.correctedBy = [...(target.correctedBy ?? []), entry.entryId];
  }
  const last = recorded[recorded.length - 1];
  return { caseId, revision: last ? Number(last.revision) : -1, clinicalContent: clinical, entries };
}

function entryOf(recorded: RecordedEvent, clinical: boolean): HistoryEntry {
  const meta = recorded.metadata;
  const entry: HistoryEntry = {
    revision: Number(recorded.revision),
    type: recorded.type,
    occurredAt: text(meta.occurredAt),
    recordedAt: recorded.createdAt.toISOString(),
    actor: { userId: text(meta.actorId), role: text(meta.actorRole) },
    correlationId: text(meta.correlationId),
  };
  if (recorded.redacted) return { ...entry, redacted: true };
  const event = decodeEvent<CaseEvent>(recorded, 'treatment_case');
  const { caseId: _caseId, patientId: _patientId, entryId, occurredAt: _at, ...content } = event.data;
  return { ...entry, entryId, summary: summarizeCaseEvent(event), ...(clinical ? { content } : {}) };
}
