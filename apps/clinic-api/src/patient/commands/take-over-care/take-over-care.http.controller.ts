import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { TakeOverCareCommand } from './take-over-care.command';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class TakeOverCareController {
  constructor(private readonly commands: CommandBus) {}

  /** An orthodontist or dentist of the patient's clinic joins a care team left without an active clinician (409 otherwise). */
  @Post(':patientId/care-team/takeover')
  @HttpCode(201)
  @Authorize('patient', 'take_over', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiCreatedResponse({ type: PatientCommandResponse })
  takeOver(@Param('patientId', ParseIdPipe) patientId: string, @Envelope() envelope: CommandEnvelope): Promise<PatientCommandResponse> {
    return this.commands.execute(new TakeOverCareCommand({ patientId }, envelope));
  }
}
