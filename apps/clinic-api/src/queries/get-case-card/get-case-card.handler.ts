import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CaseBoardRecord, ReadModelServices } from '@ortholedger/read-models';
import { caseNotOnBoard } from '../query-errors';
import { READ_MODELS } from '../read-models.tokens';
import { GetCaseCardQuery } from './get-case-card.query';

/** One case_board row; the encrypted summary is decrypted only if the caller may read clinical content. */
@QueryHandler(GetCaseCardQuery)
export class GetCaseCardHandler implements IQueryHandler<GetCaseCardQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelServices) {}

  async execute({ caseId, clinical }: GetCaseCardQuery): Promise<CaseBoardRecord> {
    const card = await this.readModels.caseBoard.byId(caseId, clinical);
    if (!card) throw caseNotOnBoard(caseId);
    return card;
  }
}
