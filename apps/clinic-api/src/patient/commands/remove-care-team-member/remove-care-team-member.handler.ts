import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { RemoveCareTeamMemberCommand } from './remove-care-team-member.command';

@CommandHandler(RemoveCareTeamMemberCommand)
export class RemoveCareTeamMemberHandler implements ICommandHandler<RemoveCareTeamMemberCommand> {
  constructor(private readonly patients: PatientCommands) {}

  execute({ data, envelope }: RemoveCareTeamMemberCommand): Promise<PatientCommandResponse> {
    return this.patients.run(data.patientId, { type: 'RemoveCareTeamMember', data }, envelope);
  }
}
