import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { RequestPlanRevisionCommand } from './request-plan-revision.command';
import { RequestPlanRevisionRequest } from './request-plan-revision.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class RequestPlanRevisionController {
  constructor(private readonly commands: CommandBus) {}

  /** Sends the latest proposed version back to the planner with comments (tooth and stage optional). */
  @Post(':caseId/plans/:planId/revision-requests')
  @HttpCode(201)
  @Authorize('case', 'request_revision', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Param('planId', ParseIdPipe) planId: string,
    @Body() body: RequestPlanRevisionRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<RequestPlanRevisionRequest>(body), caseId, planId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new RequestPlanRevisionCommand(data, envelope));
  }
}
