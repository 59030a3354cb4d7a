import type { EventStore } from '@ortholedger/event-store';
import { EVENT_STORE } from '@ortholedger/platform';
import type { ReadModelServices } from '@ortholedger/read-models';
import { READ_MODELS } from '../../../apps/clinic-api/src/queries/read-models.tokens';
import type { Clinician, WorkflowHarness } from '../../treatment-workflow/support/workflow-harness';

export const readModelsOf = (h: WorkflowHarness) => h.app.get<ReadModelServices>(READ_MODELS);
export const eventStoreOf = (h: WorkflowHarness) => h.app.get<EventStore>(EVENT_STORE);

/** Waits until the app's search index holds `patients` patients (projection + NOTIFY + refresh). */
export async function waitForIndex(h: WorkflowHarness, patients: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (readModelsOf(h).search.size < patients) {
    if (Date.now() > deadline) throw new Error(`search index holds ${readModelsOf(h).search.size} of ${patients}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every page of a search, as the UI would fetch them. */
export async function allPages(h: WorkflowHarness, who: Clinician, body: Record<string, unknown>, pageSize = 7) {
  const ids: string[] = [];
  let total = 0;
  for (let page = 1; page <= 60; page++) {
    const res = await h.call(who, 'POST', '/patients/search', { ...body, page, pageSize });
    if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(res.body)}`);
    total = res.body.total;
    ids.push(...res.body.results.map((r: { patientId: string }) => r.patientId));
    if (page * pageSize >= total) break;
  }
  return { ids, total, results: ids };
}

/**
 * Closes the app, lets background reads finish, then drops the database. A known race in the
 * crypto lib's ErasureListener (its 'error' handler stays on the pooled client after close() and
 * releases it a second time when the connection is killed) can otherwise fail a suite at teardown.
 */
export async function stopHarness(h: WorkflowHarness): Promise<void> {
  await h.app.close();
  await new Promise((r) => setTimeout(r, 300));
  await h.db.drop();
}
