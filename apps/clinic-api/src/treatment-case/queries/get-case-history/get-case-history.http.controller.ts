import { Controller, Get, Param, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authorize } from '@ortholedger/access';
import { ParseIdPipe, RevisionRoute } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import type { CaseHistory } from './case-history';
import { GetCaseHistoryQuery } from './get-case-history.query';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class GetCaseHistoryController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * Everyone who may read the case sees every entry, actor and time; only those the policy grants
   * `read_clinical` (treating team, assigned planner) get the decrypted content. Clinic staff get
   * the PHI-free summaries.
   */
  @Get(':caseId/history')
  @Authorize('case', 'read', { patientIdFrom: patientOfCase, purpose: 'treatment', disclosure: 'read_clinical' })
  @RevisionRoute()
  @ApiOkResponse({ description: 'every event in order, corrections linked; ETag = stream revision' })
  async history(@Param('caseId', ParseIdPipe) caseId: string, @Req() request: FastifyRequest): Promise<CaseHistory> {
    const disclosure = request.access?.disclosure;
    if (!disclosure) throw new Error('history route reached without an audited disclosure decision');
    return this.queries.execute(new GetCaseHistoryQuery(caseId, disclosure.allowed));
  }
}
