import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { ClinicMembers } from '../../care-team/clinic-members';
import { PatientCommands } from '../../patient-commands.service';
import { TransferPatientCommand } from './transfer-patient.command';

/** After a transfer the former clinic's care team is gone (domain) and so is its access (directory sync). */
@CommandHandler(TransferPatientCommand)
export class TransferPatientHandler implements ICommandHandler<TransferPatientCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  async execute({ data, envelope }: TransferPatientCommand): Promise<PatientCommandResponse> {
    // A transfer clears the care team: to a clinic that does not exist it would orphan the record.
    await this.members.assertClinicExists(data.toClinicId);
    return this.patients.run(data.patientId, { type: 'TransferPatient', data }, envelope);
  }
}
