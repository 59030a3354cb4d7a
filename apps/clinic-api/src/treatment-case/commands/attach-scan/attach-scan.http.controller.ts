import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { AttachScanCommand } from './attach-scan.command';
import { AttachScanRequest } from './attach-scan.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class AttachScanController {
  constructor(private readonly commands: CommandBus) {}

  /** Scan metadata only (kind, hash, size, storage reference); the file itself lives in object storage. */
  @Post(':caseId/scans')
  @HttpCode(201)
  @Authorize('case', 'attach_scan', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: AttachScanRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<AttachScanRequest>(body), caseId, entryId: mintId(envelope, 'entryId'), scanId: mintId(envelope, 'scanId') };
    return this.commands.execute(new AttachScanCommand(data, envelope));
  }
}
