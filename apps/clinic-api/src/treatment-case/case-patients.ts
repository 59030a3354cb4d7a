import { Inject, Injectable } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IdSource } from '@ortholedger/access';
import { caseStream, isUuid } from '@ortholedger/domain';
import { type EventStore, type RecordedEvent, StreamNotFound } from '@ortholedger/event-store';
import { EVENT_STORE } from '@ortholedger/platform';

const MAX_CACHED = 20_000;

/** What a case's opening says for good: its patient and its treating orthodontist (no command changes either). */
interface CaseOpening {
  patientId: string;
  treatingOrthodontistId?: string;
}

/**
 * case -> patient, for the access guard (care team and clinic are the patient's), and case ->
 * treating orthodontist, for plan decisions. Read from the case's first event through the encrypted
 * store, so its metadata has passed the AAD check; neither ever changes, so answers are cached
 * (bounded, oldest evicted first).
 */
@Injectable()
export class CasePatients {
  private readonly cache = new Map<string, CaseOpening>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async patientOf(caseId: unknown): Promise<string | undefined> {
    return (await this.opening(caseId))?.patientId;
  }

  async treatingOrthodontistOf(caseId: unknown): Promise<string | undefined> {
    return (await this.opening(caseId))?.treatingOrthodontistId;
  }

  private async opening(caseId: unknown): Promise<CaseOpening | undefined> {
    if (!isUuid(caseId)) return undefined;
    const cached = this.cache.get(caseId);
    if (cached) return cached;
    let first: RecordedEvent | undefined;
    try {
      [first] = await this.store.readStream(caseStream(caseId), { maxCount: 1 });
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
    const subjectId = first?.metadata.subjectId;
    if (!first || !isUuid(subjectId)) return undefined;
    const opening: CaseOpening = { patientId: subjectId, treatingOrthodontistId: treatingIn(first) };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(caseId, opening);
    return opening;
  }
}

/** The treating orthodontist a CaseOpened event names (undefined for any other first event, or a redacted one). */
function treatingIn(event: RecordedEvent): string | undefined {
  if (event.type !== 'CaseOpened' || event.redacted) return undefined;
  try {
    const data = JSON.parse(Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength).toString('utf8')) as { treatingOrthodontistId?: unknown };
    return isUuid(data.treatingOrthodontistId) ? data.treatingOrthodontistId : undefined;
  } catch {
    return undefined;
  }
}

/** `@Authorize(..., { patientIdFrom: patientOfCase })` on every `/cases/:caseId` route. */
export const patientOfCase: IdSource = (request: FastifyRequest, modules: ModuleRef) =>
  modules.get(CasePatients, { strict: false }).patientOf((request.params as Record<string, unknown> | undefined)?.caseId);
