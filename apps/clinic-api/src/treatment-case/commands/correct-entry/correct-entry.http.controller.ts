import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { CorrectEntryCommand } from './correct-entry.command';
import { CorrectEntryRequest } from './correct-entry.request.dto';

/** The replacement leaves the DTO as plain data; the decider checks its fields against the corrected entry. */
type CorrectEntryData = Omit<CorrectEntryRequest, 'replacement'> & { replacement: Record<string, unknown> };

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CorrectEntryController {
  constructor(private readonly commands: CommandBus) {}

  /** A new entry pointing at the one it corrects, with a reason; nothing is overwritten. */
  @Post(':caseId/corrections')
  @HttpCode(201)
  @Authorize('case', 'correct', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: CorrectEntryRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<CorrectEntryData>(body), caseId, entryId: mintId(envelope, 'entryId') };
    return this.commands.execute(new CorrectEntryCommand(data, envelope));
  }
}
