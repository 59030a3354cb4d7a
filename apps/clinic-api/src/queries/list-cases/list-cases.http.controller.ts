import { Controller, Get, Inject, Query as QueryParams, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ACCESS_CLOCK, AccessFilter, type AccessSubject, Authorize, type Clock, CurrentSubject, type QueryFilter } from '@ortholedger/access';
import { ListCasesQuery } from './list-cases.query';
import { ListCasesRequest, type ListCasesResponse } from './list-cases.request.dto';

@ApiTags('case-board')
@ApiBearerAuth()
@Controller('case-board')
export class ListCasesController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Authorize('case', 'read', {
    collection: true,
    purpose: 'work_queue',
    returnsPatients: (response: ListCasesResponse) => response.cases.map((c) => c.patientId),
    // The rows that carry a clinical summary are clinical reads of those cases, as on the case card.
    returnsDisclosed: { action: 'read_clinical', records: (response: ListCasesResponse) => response.cases.filter((c) => c.summary !== undefined).map((c) => ({ id: c.caseId, patientId: c.patientId })) },
  })
  @ApiOkResponse({ description: 'cases by status or next action, newest activity first, one page' })
  list(
    @QueryParams() query: ListCasesRequest,
    @AccessFilter() filter: QueryFilter,
    @CurrentSubject() subject: AccessSubject,
    @Req() request: FastifyRequest,
  ): Promise<ListCasesResponse> {
    return this.queries.execute(new ListCasesQuery(query, filter, subject, { at: this.clock.now(), ip: request.ip }));
  }
}
