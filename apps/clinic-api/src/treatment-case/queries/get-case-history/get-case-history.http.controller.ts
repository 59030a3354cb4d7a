import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ACCESS_CLOCK, AccessPolicyService, Authorize, type Clock } from '@ortholedger/access';
import { ParseIdPipe, RevisionRoute } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import type { CaseHistory } from './case-history';
import { GetCaseHistoryQuery } from './get-case-history.query';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class GetCaseHistoryController {
  constructor(
    private readonly queries: QueryBus,
    private readonly policy: AccessPolicyService,
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Everyone who may read the case sees every entry, actor and time; only those the policy grants
   * `read_clinical` (treating team, assigned planner) get the decrypted content. Clinic staff get
   * the PHI-free summaries.
   */
  @Get(':caseId/history')
  @Authorize('case', 'read', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @RevisionRoute()
  @ApiOkResponse({ description: 'every event in order, corrections linked; ETag = stream revision' })
  async history(@Param('caseId', ParseIdPipe) caseId: string, @Req() request: FastifyRequest): Promise<CaseHistory> {
    const { subject, resource } = request.access ?? {};
    if (!subject || !resource) throw new Error('history route reached without an access decision');
    const decision = await this.policy.evaluate(subject, 'read_clinical', resource, { at: this.clock.now(), ip: request.ip });
    return this.queries.execute(new GetCaseHistoryQuery(caseId, decision.allowed));
  }
}
