import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClinicMembers } from '../../care-team/clinic-members';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { AssignCareTeamMemberCommand } from './assign-care-team-member.command';

@CommandHandler(AssignCareTeamMemberCommand)
export class AssignCareTeamMemberHandler implements ICommandHandler<AssignCareTeamMemberCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, envelope }: AssignCareTeamMemberCommand): Promise<PatientCommandResponse> {
    // The actor's clinic is the patient's: the policy and the decider both insist on it.
    await this.members.assertCanJoin(envelope.ctx.actor.clinicId ?? '', [{ userId: data.userId, role: data.role }]);
    return this.patients.run(data.patientId, { type: 'AssignCareTeamMember', data }, envelope);
  }
}
