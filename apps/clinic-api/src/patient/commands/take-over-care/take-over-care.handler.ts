import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CareTeamRole, DomainError } from '@ortholedger/domain';
import { CareTeamNotVacant, ClinicMembers } from '../../care-team/clinic-members';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { TakeOverCareCommand } from './take-over-care.command';

/**
 * A clinician of the patient's clinic joins a care team that has no active orthodontist or dentist
 * left: the only one was disabled or changed role, or the patient was transferred under a release
 * whose transfers emptied the team. Nobody else could manage such a team (that needs membership),
 * so the patient would be out of reach for good. Refused while any clinician on the team is active.
 */
@CommandHandler(TakeOverCareCommand)
export class TakeOverCareHandler implements ICommandHandler<TakeOverCareCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, envelope }: TakeOverCareCommand): Promise<PatientCommandResponse> {
    const { actor } = envelope.ctx;
    if (actor.role !== 'orthodontist' && actor.role !== 'dentist') throw new DomainError('ACCESS.ROLE_NOT_ALLOWED', 'a care team is taken over by an orthodontist or a dentist');
    const patient = (await this.patients.load(data.patientId)).state;
    if (patient.status === 'active') {
      const clinicians = Object.entries(patient.careTeam).filter(([, role]) => role === 'orthodontist' || role === 'dentist');
      if (await this.members.anyActive(patient.clinicId, clinicians.map(([userId, role]) => ({ userId, role })))) throw new CareTeamNotVacant();
    }
    // The decider checks the rest (registered, same clinic) as for any assignment.
    return this.patients.run(data.patientId, { type: 'AssignCareTeamMember', data: { patientId: data.patientId, userId: actor.userId, role: actor.role as CareTeamRole } }, envelope);
  }
}
