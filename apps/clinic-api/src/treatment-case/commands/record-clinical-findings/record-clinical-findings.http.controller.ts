import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { RecordClinicalFindingsCommand } from './record-clinical-findings.command';
import { RecordClinicalFindingsRequest } from './record-clinical-findings.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class RecordClinicalFindingsController {
  constructor(private readonly commands: CommandBus) {}

  /** Findings: diagnosis, malocclusion class, conditions, notes, measurements. */
  @Post(':caseId/findings')
  @HttpCode(201)
  @Authorize('case', 'record_findings', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: RecordClinicalFindingsRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<RecordClinicalFindingsRequest>(body), caseId, entryId: mintId(envelope, 'entryId'), findingId: mintId(envelope, 'findingId') };
    return this.commands.execute(new RecordClinicalFindingsCommand(data, envelope));
  }
}
