import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ACCESS_SERVICES, AccessPolicyService, type AccessServices, CurrentPatientFacts } from '@ortholedger/access';
import type { ReadModelServices } from '@ortholedger/read-models';
import { assertServing } from '../query-errors';
import { READ_MODELS } from '../read-models.tokens';
import { ListCasesQuery } from './list-cases.query';
import type { ListCasesResponse } from './list-cases.request.dto';

/**
 * "My cases waiting for plan approval": case_board rows restricted in SQL to the caller's scopes
 * before the limit. The clinical summary comes only with rows the caller may read clinically
 * (the policy's read_clinical scopes): clinic staff see the workflow, not the diagnosis. The scoping
 * rests on care_team and on case_board's clinic: while either is stopped, no answer. Both may lag
 * behind a removal from the care team or a transfer, so the page keeps only cases whose patient the
 * caller's scopes still reach by the facts the guard decides single records by (care_team, current
 * for that patient, or 503 AUTH.UNAVAILABLE), and a summary only where the clinical scopes still do. The cursor
 * stays the SQL page's, so a dropped row never stops the walk; it is sealed, so it names no dropped row.
 */
@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    private readonly policy: AccessPolicyService,
    @Inject(ACCESS_SERVICES) private readonly access: Pick<AccessServices, 'careTeam'>,
  ) {}

  async execute({ request, filter, subject, context }: ListCasesQuery): Promise<ListCasesResponse> {
    await assertServing(this.readModels, ['care_team', 'case_board']);
    const clinical = this.policy.filterFor(subject, 'case', 'read_clinical', context);
    // Break-glass grants reach single records through the guard, never whole lists of summaries.
    const clinicalScopes = clinical.allowed && !clinical.breakGlass ? clinical.scopes : [];
    const page = await this.readModels.caseBoard.list({
      scopes: filter.scopes,
      clinicalScopes,
      status: request.status,
      nextAction: request.nextAction,
      treatingOrthodontistId: request.scope === 'mine' ? subject.userId : undefined,
      limit: request.limit ?? 25,
      cursor: request.cursor,
    });
    const clinicalFilter = { ...clinical, scopes: clinicalScopes };
    const now = await CurrentPatientFacts.load(this.access.careTeam, [filter, clinicalFilter], page.cases.map((c) => c.patientId));
    const cases = page.cases
      .filter((c) => now.reaches(filter, c.patientId))
      .map((c) => (c.summary !== undefined && !now.reaches(clinicalFilter, c.patientId) ? { ...c, summary: undefined } : c));
    return { ...page, cases };
  }
}
