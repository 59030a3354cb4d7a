import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Actor, type CareTeamRole, DomainError, isClinicianRole, type PatientCommand } from '@ortholedger/domain';
import { ClinicMembers } from '../../care-team/clinic-members';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { RegisterPatientCommand } from './register-patient.command';

/**
 * Access to a patient needs care-team membership, and managing the team needs it too: a patient
 * registered without a team could never be treated. So the registering clinician always joins.
 */
@CommandHandler(RegisterPatientCommand)
export class RegisterPatientHandler implements ICommandHandler<RegisterPatientCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, careTeam, envelope }: RegisterPatientCommand): Promise<PatientCommandResponse> {
    const team = withRegisteringClinician(careTeam, envelope.ctx.actor);
    if (!team.some((m) => isClinicianRole(m.role))) {
      // Staff register for a clinician: a team without one would leave a patient nobody can treat or take over.
      throw new DomainError('PATIENT.CARE_TEAM_CLINICIAN_REQUIRED', 'the care team needs at least one orthodontist or dentist');
    }
    await this.members.assertCanJoin(data.clinicId, team);
    const assignments: PatientCommand[] = team.map(({ userId, role }) => ({
      type: 'AssignCareTeamMember',
      data: { patientId: data.patientId, userId, role },
    }));
    return this.patients.run(data.patientId, [{ type: 'RegisterPatient', data }, ...assignments], envelope);
  }
}

function withRegisteringClinician(team: ReadonlyArray<{ userId: string; role: CareTeamRole }>, actor: Actor) {
  if (!isClinicianRole(actor.role) || team.some((m) => m.userId === actor.userId)) return team;
  return [{ userId: actor.userId, role: actor.role as CareTeamRole }, ...team];
}
