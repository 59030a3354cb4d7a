import { Query } from '@nestjs/cqrs';
import type { CaseHistory } from './case-history';

export class GetCaseHistoryQuery extends Query<CaseHistory> {
  constructor(
    readonly caseId: string,
    /** Whether the caller may see clinical content (decided by the access policy, not by the query). */
    readonly clinical: boolean,
  ) {
    super();
  }
}
