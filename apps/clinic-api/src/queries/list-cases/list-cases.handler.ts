import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AccessPolicyService } from '@ortholedger/access';
import type { ReadModelServices } from '@ortholedger/read-models';
import { assertServing } from '../query-errors';
import { READ_MODELS } from '../read-models.tokens';
import { ListCasesQuery } from './list-cases.query';
import type { ListCasesResponse } from './list-cases.request.dto';

/**
 * "My cases waiting for plan approval": case_board rows restricted in SQL to the caller's scopes
 * before the limit. The clinical summary comes only with rows the caller may read clinically
 * (the policy's read_clinical scopes): clinic staff see the workflow, not the diagnosis. The scoping
 * rests on care_team and on case_board's clinic: while either is stopped, no answer.
 */
@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    private readonly policy: AccessPolicyService,
  ) {}

  async execute({ request, filter, subject, context }: ListCasesQuery): Promise<ListCasesResponse> {
    await assertServing(this.readModels, ['care_team', 'case_board']);
    const clinical = this.policy.filterFor(subject, 'case', 'read_clinical', context);
    // Break-glass grants reach single records through the guard, never whole lists of summaries.
    const clinicalScopes = clinical.allowed && !clinical.breakGlass ? clinical.scopes : [];
    return this.readModels.caseBoard.list({
      scopes: filter.scopes,
      clinicalScopes,
      status: request.status,
      nextAction: request.nextAction,
      treatingOrthodontistId: request.scope === 'mine' ? subject.userId : undefined,
      limit: request.limit ?? 25,
      cursor: request.cursor,
    });
  }
}
