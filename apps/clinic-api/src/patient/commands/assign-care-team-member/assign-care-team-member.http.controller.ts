import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { PatientCommandResponse } from '../../dto/patient-command.response';
import { AssignCareTeamMemberCommand } from './assign-care-team-member.command';
import { AssignCareTeamMemberRequest } from './assign-care-team-member.request.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class AssignCareTeamMemberController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':patientId/care-team')
  @HttpCode(201)
  @Authorize('patient', 'manage_care_team', { patientIdFrom: { param: 'patientId' } })
  @CommandRoute()
  @ApiCreatedResponse({ type: PatientCommandResponse })
  assign(
    @Param('patientId', ParseIdPipe) patientId: string,
    @Body() body: AssignCareTeamMemberRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<PatientCommandResponse> {
    const { userId, role } = toPlain<AssignCareTeamMemberRequest>(body);
    return this.commands.execute(new AssignCareTeamMemberCommand({ patientId, userId, role }, envelope));
  }
}
