import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@ortholedger/domain';
import { CaseCommands } from '../../case-commands.service';
import { type CaseView, caseView } from './case-view';
import { GetCaseQuery } from './get-case.query';

/** Folds the case stream itself, so the ETag is the exact revision a following If-Match must name. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(private readonly cases: CaseCommands) {}

  async execute({ caseId }: GetCaseQuery): Promise<CaseView> {
    const { state, revision } = await this.cases.load(caseId);
    if (state.status === 'NotOpened' || revision === 'no_stream') {
      throw new DomainError('TREATMENT_CASE.NOT_OPENED', `case ${caseId} has not been opened`);
    }
    return caseView(state, revision);
  }
}
