import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccessFilter, Authorize, type QueryFilter } from '@ortholedger/access';
import { SearchPatientsQuery } from './search-patients.query';
import { SearchPatientsRequest, type SearchPatientsResponse } from './search-patients.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class SearchPatientsController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * The guard writes the search's audit row (its parameters keep only integers, never the terms);
   * every patient on the returned page then gets a row of its own (`in_results`).
   */
  @Post('search')
  @HttpCode(200)
  @Authorize('patient', 'read_demographics', {
    collection: true,
    purpose: 'patient_search',
    returnsPatients: (response: SearchPatientsResponse) => response.results.map((r) => r.patientId),
  })
  @ApiOkResponse({ description: 'patients the caller may see, ranked, one page' })
  search(@Body() body: SearchPatientsRequest, @AccessFilter() filter: QueryFilter): Promise<SearchPatientsResponse> {
    return this.queries.execute(new SearchPatientsQuery(body, filter));
  }
}
