import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { CorrectDemographicsCommand } from './correct-demographics.command';
import { CorrectDemographicsRequest } from './correct-demographics.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class CorrectDemographicsController {
  constructor(private readonly commands: CommandBus) {}

  /** A correction is a new event with a reason; the registration stays as it was recorded. */
  @Post(':patientId/demographics-corrections')
  @HttpCode(201)
  @Authorize('patient', 'correct', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiOkResponse({ type: PatientCommandResponse })
  correct(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Body() body: CorrectDemographicsRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<PatientCommandResponse> {
    const { corrections, reason } = toPlain<CorrectDemographicsRequest>(body);
    return this.commands.execute(new CorrectDemographicsCommand({ patientId, corrections, reason }, envelope));
  }
}
