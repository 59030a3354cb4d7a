import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AccessPolicyService } from '@ortholedger/access';
import type { CaseBoardRecord, ReadModelServices } from '@ortholedger/read-models';
import { caseNotOnBoard } from '../query-errors';
import { READ_MODELS } from '../read-models.tokens';
import { GetCaseCardQuery } from './get-case-card.query';

/** One case_board row; the encrypted summary is decrypted only if the caller may read clinical content. */
@QueryHandler(GetCaseCardQuery)
export class GetCaseCardHandler implements IQueryHandler<GetCaseCardQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    private readonly policy: AccessPolicyService,
  ) {}

  async execute({ caseId, patientId, subject, context }: GetCaseCardQuery): Promise<CaseBoardRecord> {
    const clinical = await this.policy.evaluate(subject, 'read_clinical', { type: 'case', id: caseId, patientId }, context);
    const card = await this.readModels.caseBoard.byId(caseId, clinical.allowed);
    if (!card) throw caseNotOnBoard(caseId);
    return card;
  }
}
