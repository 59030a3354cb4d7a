import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, EmptyBodyPipe, Envelope, mintId, ParseIdPipe } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { CompleteCaseCommand } from './complete-case.command';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CompleteCaseController {
  constructor(private readonly commands: CommandBus) {}

  /** Treatment done; retention begins. Closes the case. */
  @Post(':caseId/completion')
  @HttpCode(200)
  @Authorize('case', 'complete', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body(EmptyBodyPipe) _body: Record<string, never>,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { caseId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new CompleteCaseCommand(data, envelope));
  }
}
