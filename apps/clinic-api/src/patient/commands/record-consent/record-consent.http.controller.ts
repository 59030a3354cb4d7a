import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { RecordConsentCommand } from './record-consent.command';
import { RecordConsentRequest } from './record-consent.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class RecordConsentController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':patientId/consents')
  @HttpCode(201)
  @Authorize('patient', 'record_consent', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiCreatedResponse({ type: PatientCommandResponse })
  record(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Body() body: RecordConsentRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<PatientCommandResponse> {
    return this.commands.execute(new RecordConsentCommand({ patientId, ...toPlain<RecordConsentRequest>(body) }, envelope));
  }
}
