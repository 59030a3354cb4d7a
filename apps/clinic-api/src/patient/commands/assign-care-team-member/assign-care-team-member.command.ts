import { Command } from '@nestjs/cqrs';
import type { AssignCareTeamMember } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class AssignCareTeamMemberCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: AssignCareTeamMember['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
