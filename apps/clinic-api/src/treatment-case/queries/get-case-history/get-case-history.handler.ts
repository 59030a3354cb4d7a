import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { caseStream, DomainError } from '@ortholedger/domain';
import { type EventStore, StreamNotFound } from '@ortholedger/event-store';
import { EVENT_STORE } from '@ortholedger/platform';
import { type CaseHistory, caseHistory } from './case-history';
import { GetCaseHistoryQuery } from './get-case-history.query';

/** Reads the stream itself (decrypted), including redacted events, which a fold would refuse. */
@QueryHandler(GetCaseHistoryQuery)
export class GetCaseHistoryHandler implements IQueryHandler<GetCaseHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, clinical }: GetCaseHistoryQuery): Promise<CaseHistory> {
    const recorded = await this.store.readStream(caseStream(caseId)).catch((error: unknown) => {
      if (error instanceof StreamNotFound) throw new DomainError('TREATMENT_CASE.NOT_OPENED', `case ${caseId} has not been opened`);
      throw error;
    });
    return caseHistory(caseId, recorded, clinical);
  }
}
