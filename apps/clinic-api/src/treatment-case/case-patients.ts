import { Inject, Injectable } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IdSource } from '@ortholedger/access';
import { caseStream, isUuid } from '@ortholedger/domain';
import { type EventStore, StreamNotFound } from '@ortholedger/event-store';
import { EVENT_STORE } from '@ortholedger/platform';

const MAX_CACHED = 20_000;

/**
 * case -> patient, for the access guard (care team and clinic are the patient's). Read from the
 * case's first event through the encrypted store, so its metadata has passed the AAD check; a
 * case never changes patient, so answers are cached (bounded, oldest evicted first).
 */
@Injectable()
export class CasePatients {
  private readonly cache = new Map<string, string>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async patientOf(caseId: unknown): Promise<string | undefined> {
    if (!isUuid(caseId)) return undefined;
    const cached = this.cache.get(caseId);
    if (cached) return cached;
    let subjectId: unknown;
    try {
      const [first] = await this.store.readStream(caseStream(caseId), { maxCount: 1 });
      subjectId = first?.metadata.subjectId;
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
    if (!isUuid(subjectId)) return undefined;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(caseId, subjectId);
    return subjectId;
  }
}

/** `@Authorize(..., { patientIdFrom: patientOfCase })` on every `/cases/:caseId` route. */
export const patientOfCase: IdSource = (request: FastifyRequest, modules: ModuleRef) =>
  modules.get(CasePatients, { strict: false }).patientOf((request.params as Record<string, unknown> | undefined)?.caseId);
