import { Controller, Get, Param, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authorize } from '@ortholedger/access';
import { ParseIdPipe } from '@ortholedger/platform';
import type { CaseBoardRecord } from '@ortholedger/read-models';
import { patientOfBoardCase } from '../case-subject';
import { GetCaseCardQuery } from './get-case-card.query';

@ApiTags('case-board')
@ApiBearerAuth()
@Controller('case-board')
export class GetCaseCardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId')
  @Authorize('case', 'read', { patientIdFrom: patientOfBoardCase, purpose: 'treatment', disclosure: 'read_clinical' })
  @ApiOkResponse({ description: 'status, next action and current stage; the summary when clinical reading is allowed' })
  get(@Param('caseId', ParseIdPipe) caseId: string, @Req() request: FastifyRequest): Promise<CaseBoardRecord> {
    // The guard decided (and audited) whether this response may carry the clinical summary.
    const disclosure = request.access?.disclosure;
    if (!disclosure) throw new Error('case card reached without an audited disclosure decision');
    return this.queries.execute(new GetCaseCardQuery(caseId, disclosure.allowed));
  }
}
