import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { OpenCaseCommand } from './open-case.command';
import { OpenCaseRequest } from './open-case.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('patients')
export class OpenCaseController {
  constructor(private readonly commands: CommandBus) {}

  /** Opens an aligner case for the patient; needs active treatment consent. */
  @Post(':patientId/cases')
  @HttpCode(201)
  @Authorize('case', 'open', { patientIdFrom: { param: 'patientId' }, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  open(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Body() body: OpenCaseRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const { actor } = envelope.ctx;
    const data = {
      ...toPlain<OpenCaseRequest>(body),
      caseId: mintId(envelope, 'caseId'),
      entryId: mintId(envelope, 'entryId'),
      patientId,
      clinicId: actor.clinicId ?? '',
      treatingOrthodontistId: actor.userId,
    };
    return this.commands.execute(new OpenCaseCommand(data, envelope));
  }
}
