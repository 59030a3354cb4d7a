import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ACCESS_CLOCK, type AccessSubject, Authorize, type Clock, CurrentSubject } from '@ortholedger/access';
import { ParseIdPipe } from '@ortholedger/platform';
import type { CaseBoardRecord } from '@ortholedger/read-models';
import { patientOfBoardCase } from '../case-subject';
import { GetCaseCardQuery } from './get-case-card.query';

@ApiTags('case-board')
@ApiBearerAuth()
@Controller('case-board')
export class GetCaseCardController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':caseId')
  @Authorize('case', 'read', { patientIdFrom: patientOfBoardCase, purpose: 'treatment' })
  @ApiOkResponse({ description: 'status, next action and current stage; the summary when clinical reading is allowed' })
  get(@Param('caseId', ParseIdPipe) caseId: string, @CurrentSubject() subject: AccessSubject, @Req() request: FastifyRequest): Promise<CaseBoardRecord> {
    return this.queries.execute(new GetCaseCardQuery(caseId, request.access?.resource?.patientId, subject, { at: this.clock.now(), ip: request.ip }));
  }
}
