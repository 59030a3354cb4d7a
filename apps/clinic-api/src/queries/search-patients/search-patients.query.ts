import { Query } from '@nestjs/cqrs';
import type { QueryFilter } from '@ortholedger/access';
import type { SearchPatientsRequest, SearchPatientsResponse } from './search-patients.request.dto';

export class SearchPatientsQuery extends Query<SearchPatientsResponse> {
  constructor(
    readonly request: SearchPatientsRequest,
    /** From the guard: who the caller may see, applied before ranking and paging. */
    readonly filter: QueryFilter,
  ) {
    super();
  }
}
