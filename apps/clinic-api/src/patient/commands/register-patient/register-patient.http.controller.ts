import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, toPlain } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { RegisterPatientCommand } from './register-patient.command';
import { RegisterPatientRequest } from './register-patient.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class RegisterPatientController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  // The guard's row precedes the patient; the response's id gets a row of its own (also on a replay).
  @Authorize('patient', 'register', { purpose: 'treatment', returnsPatients: (response: PatientCommandResponse) => [response.patientId] })
  @CommandRoute()
  @ApiCreatedResponse({ type: PatientCommandResponse })
  register(@Body() body: RegisterPatientRequest, @Envelope() envelope: CommandEnvelope): Promise<PatientCommandResponse> {
    const { careTeam = [], ...demographics } = toPlain<RegisterPatientRequest>(body);
    // The patient belongs to the registering user's clinic; the id is the server's (or the retry key's).
    const data = { patientId: mintId(envelope, 'patientId'), clinicId: envelope.ctx.actor.clinicId ?? '', ...demographics };
    return this.commands.execute(new RegisterPatientCommand(data, careTeam, envelope));
  }
}
