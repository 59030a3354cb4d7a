import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { ApproveTreatmentPlanCommand } from './approve-treatment-plan.command';
import { ApproveTreatmentPlanRequest } from './approve-treatment-plan.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class ApproveTreatmentPlanController {
  constructor(private readonly commands: CommandBus) {}

  /** Only the treating orthodontist, only the latest proposed version (the decider checks both). */
  @Post(':caseId/plans/:planId/approval')
  @HttpCode(200)
  @Authorize('case', 'approve_plan', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Param('planId', ParseIdPipe) planId: string,
    @Body() body: ApproveTreatmentPlanRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<ApproveTreatmentPlanRequest>(body), caseId, planId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new ApproveTreatmentPlanCommand(data, envelope));
  }
}
