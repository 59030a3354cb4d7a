import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { ParseIdPipe, RevisionRoute } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import type { CaseView } from './case-view';
import { GetCaseQuery } from './get-case.query';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class GetCaseController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId')
  @Authorize('case', 'read', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @RevisionRoute()
  @ApiOkResponse({ description: 'current workflow state; ETag = stream revision' })
  get(@Param('caseId', ParseIdPipe) caseId: string): Promise<CaseView> {
    return this.queries.execute(new GetCaseQuery(caseId));
  }
}
