import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClinicMembers } from '../../care-team/clinic-members';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { TakeOverCareCommand } from './take-over-care.command';

/**
 * A clinician of the patient's clinic joins a care team that has no active orthodontist or dentist
 * left: the only one was disabled or changed role, or the patient was transferred under a release
 * whose transfers emptied the team. Nobody else could manage such a team (that needs membership),
 * so the patient would be out of reach for good. The identity store says which members are no
 * longer active clinicians; the decider refuses while any other member remains, on the team it
 * decides on (a concurrent take-over is refused on retry, and a replayed one answers as before).
 */
@CommandHandler(TakeOverCareCommand)
export class TakeOverCareHandler implements ICommandHandler<TakeOverCareCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, envelope }: TakeOverCareCommand): Promise<PatientCommandResponse> {
    const patient = (await this.patients.load(data.patientId)).state;
    const notActiveClinicians = patient.status === 'active' ? await this.members.notActiveClinicians(patient.clinicId, Object.keys(patient.careTeam)) : [];
    return this.patients.run(data.patientId, { type: 'TakeOverCareTeam', data: { patientId: data.patientId, notActiveClinicians } }, envelope);
  }
}
