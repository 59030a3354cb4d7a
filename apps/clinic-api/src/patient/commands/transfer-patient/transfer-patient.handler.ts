import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { ClinicMembers } from '../../care-team/clinic-members';
import { PatientCommands } from '../../patient-commands.service';
import { TransferPatientCommand } from './transfer-patient.command';

/**
 * After a transfer the former clinic's care team is gone and the receiving team named in the
 * request has taken over (domain, one append); access follows (directory sync).
 */
@CommandHandler(TransferPatientCommand)
export class TransferPatientHandler implements ICommandHandler<TransferPatientCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, envelope }: TransferPatientCommand): Promise<PatientCommandResponse> {
    // The receiving team must be active users of the receiving clinic, which must exist.
    await this.members.assertClinicExists(data.toClinicId);
    // The domain refuses a missing or clinician-less team; a command without one never reaches the store.
    await this.members.assertCanJoin(data.toClinicId, Array.isArray(data.careTeam) ? data.careTeam : []);
    return this.patients.run(data.patientId, { type: 'TransferPatient', data }, envelope);
  }
}
