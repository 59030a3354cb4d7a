import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { RemoveCareTeamMemberCommand } from './remove-care-team-member.command';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class RemoveCareTeamMemberController {
  constructor(private readonly commands: CommandBus) {}

  /** Removal is an event too: the member's earlier access stays explainable in the history. */
  @Delete(':patientId/care-team/:userId')
  @HttpCode(200)
  @Authorize('patient', 'manage_care_team', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiOkResponse({ type: PatientCommandResponse })
  remove(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Param('userId', ParseIdPipe) userId: string,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<PatientCommandResponse> {
    return this.commands.execute(new RemoveCareTeamMemberCommand({ patientId, userId }, envelope));
  }
}
