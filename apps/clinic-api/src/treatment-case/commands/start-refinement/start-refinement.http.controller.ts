import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { StartRefinementCommand } from './start-refinement.command';
import { StartRefinementRequest } from './start-refinement.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class StartRefinementController {
  constructor(private readonly commands: CommandBus) {}

  /** Teeth did not track: a refinement plan series starts. Policy: the progress-recording grant (no separate action yet). */
  @Post(':caseId/refinements')
  @HttpCode(201)
  @Authorize('case', 'record_progress', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: StartRefinementRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<StartRefinementRequest>(body), caseId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new StartRefinementCommand(data, envelope));
  }
}
