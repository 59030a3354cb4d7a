import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { RecordProgressCheckCommand } from './record-progress-check.command';
import { RecordProgressCheckRequest } from './record-progress-check.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class RecordProgressCheckController {
  constructor(private readonly commands: CommandBus) {}

  /** Current stage and fit of a patient wearing shipped aligners. */
  @Post(':caseId/progress-checks')
  @HttpCode(201)
  @Authorize('case', 'record_progress', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: RecordProgressCheckRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<RecordProgressCheckRequest>(body), caseId, entryId: mintId(envelope, 'entryId'), checkId: mintId(envelope, 'checkId') };
    return this.commands.execute(new RecordProgressCheckCommand(data, envelope));
  }
}
