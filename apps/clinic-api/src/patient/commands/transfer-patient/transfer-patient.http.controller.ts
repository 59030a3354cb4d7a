import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { TransferPatientCommand } from './transfer-patient.command';
import { TransferPatientRequest } from './transfer-patient.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class TransferPatientController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':patientId/transfers')
  @HttpCode(200)
  @Authorize('patient', 'transfer', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiOkResponse({ type: PatientCommandResponse })
  transfer(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Body() body: TransferPatientRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<PatientCommandResponse> {
    const { toClinicId, reason, careTeam } = toPlain<TransferPatientRequest>(body);
    return this.commands.execute(new TransferPatientCommand({ patientId, toClinicId, reason, careTeam: careTeam.map(({ userId, role }) => ({ userId, role })) }, envelope));
  }
}
