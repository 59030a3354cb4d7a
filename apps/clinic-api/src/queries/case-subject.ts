import { Inject, Injectable } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IdSource } from '@ortholedger/access';
import { caseStream, isUuid } from '@ortholedger/domain';
import { type EventStore, StreamNotFound } from '@ortholedger/event-store';
import { EVENT_STORE } from '@ortholedger/platform';
import type { ReadModelServices } from '@ortholedger/read-models';
import { READ_MODELS } from './read-models.tokens';

/**
 * case -> patient for the access guard of the case-board routes: the board row when it exists,
 * else the case's first event (through the encrypted store, so its metadata passed the AAD check).
 */
@Injectable()
export class CaseSubjects {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async patientOf(caseId: unknown): Promise<string | undefined> {
    if (!isUuid(caseId)) return undefined;
    const fromBoard = await this.readModels.caseBoard.patientOf(caseId);
    if (fromBoard) return fromBoard;
    try {
      const [first] = await this.store.readStream(caseStream(caseId), { maxCount: 1 });
      const subject = first?.metadata.subjectId;
      return isUuid(subject) ? subject : undefined;
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
  }
}

export const patientOfBoardCase: IdSource = (request: FastifyRequest, modules: ModuleRef) =>
  modules.get(CaseSubjects, { strict: false }).patientOf((request.params as Record<string, unknown> | undefined)?.caseId);
