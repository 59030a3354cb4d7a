import { Query } from '@nestjs/cqrs';
import type { AccessContext, AccessSubject, QueryFilter } from '@ortholedger/access';
import type { ListCasesRequest, ListCasesResponse } from './list-cases.request.dto';

export class ListCasesQuery extends Query<ListCasesResponse> {
  constructor(
    readonly request: ListCasesRequest,
    readonly filter: QueryFilter,
    readonly subject: AccessSubject,
    readonly context: AccessContext,
  ) {
    super();
  }
}
