import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { CancelCaseCommand } from './cancel-case.command';
import { CancelCaseRequest } from './cancel-case.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CancelCaseController {
  constructor(private readonly commands: CommandBus) {}

  /** Closes the case with a reason. */
  @Post(':caseId/cancellation')
  @HttpCode(200)
  @Authorize('case', 'cancel', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: CancelCaseRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<CancelCaseRequest>(body), caseId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new CancelCaseCommand(data, envelope));
  }
}
