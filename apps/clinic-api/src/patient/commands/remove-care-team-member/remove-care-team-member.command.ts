import { Command } from '@nestjs/cqrs';
import type { RemoveCareTeamMember } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class RemoveCareTeamMemberCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: RemoveCareTeamMember['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
