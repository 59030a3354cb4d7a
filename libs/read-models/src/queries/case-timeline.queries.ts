import type pg from 'pg';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { CASE_TIMELINE } from '../projections/case-timeline.projector';

export interface TimelineEntry {
  eventId: string;
  revision: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { id: string | null; role: string | null };
  entryId: string | null;
  correctsEntryId: string | null;
  summary: unknown;
}

/** History pages of a case from case_timeline: in stream order, keyset-paged by revision. */
export class CaseTimelineQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: ReadModelKeys,
  ) {}

  async page(caseId: string, options: { afterRevision?: number; limit: number }): Promise<{ entries: TimelineEntry[]; nextAfter?: number }> {
    const { rows } = await this.pool.query(
      `select * from read_models.case_timeline where case_id = $1 and revision > $2 order by revision limit $3`,
      [caseId, options.afterRevision ?? -1, options.limit + 1],
    );
    const cipher = this.keys.cipher(CASE_TIMELINE);
    const entries = rows.slice(0, options.limit).map((r) => ({
      eventId: r.event_id,
      revision: String(r.revision),
      type: r.event_type,
      occurredAt: new Date(r.occurred_at).toISOString(),
      recordedAt: new Date(r.recorded_at).toISOString(),
      actor: { id: r.actor_id, role: r.actor_role },
      entryId: r.entry_id,
      correctsEntryId: r.corrects_entry_id,
      summary: cipher.decryptJson(CASE_TIMELINE, 'summary', r.event_id, r.summary),
    }));
    const last = entries[entries.length - 1];
    return { entries, ...(rows.length > options.limit && last ? { nextAfter: Number(last.revision) } : {}) };
  }
}
