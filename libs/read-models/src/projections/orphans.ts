import { sql } from 'kysely';
import { PoisonEvent, type ProjectedEvent, type ProjectionContext } from '../runner/projection';

/**
 * Events for a row that does not exist (an update before the registration or opening) mean the
 * log disagrees with itself: a poison event. The one legitimate cause is an erasure racing a
 * cached key (the row was swept, the event still decrypted), so erased subjects are let through.
 */
export class Orphans {
  private readonly events: ProjectedEvent[] = [];

  add(event: ProjectedEvent): void {
    this.events.push(event);
  }

  async check(ctx: ProjectionContext): Promise<void> {
    if (this.events.length === 0) return;
    const subjects = [...new Set(this.events.map((e) => e.subjectId!))];
    const { rows } = await sql<{ subject_id: string }>`
      select subject_id::text from keyvault.erasures where subject_id = any(${subjects}::uuid[])`.execute(ctx.db);
    const erased = new Set(rows.map((r) => r.subject_id));
    const first = this.events.find((e) => !erased.has(e.subjectId!));
    if (first) throw PoisonEvent.of(first, 'no row to update (the creating event is missing)');
  }
}
