import { Controller, Get, Param, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { ParseIdPipe } from '@ortholedger/platform';
import { patientOfBoardCase } from '../case-subject';
import { CaseTimelineQuery } from './case-timeline.query';
import { CaseTimelineRequest, type CaseTimelineResponse } from './case-timeline.request.dto';

@ApiTags('case-board')
@ApiBearerAuth()
@Controller('case-board')
export class CaseTimelineController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId/timeline')
  @Authorize('case', 'read', { patientIdFrom: patientOfBoardCase, purpose: 'treatment' })
  @ApiOkResponse({ description: 'one page of the case history from the timeline read model' })
  timeline(@Param('caseId', ParseIdPipe) caseId: string, @QueryParams() query: CaseTimelineRequest): Promise<CaseTimelineResponse> {
    return this.queries.execute(new CaseTimelineQuery(caseId, query));
  }
}
