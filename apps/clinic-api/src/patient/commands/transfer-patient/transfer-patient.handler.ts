import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { TransferPatientCommand } from './transfer-patient.command';

/** After a transfer the former clinic's care team is gone (domain) and so is its access (directory sync). */
@CommandHandler(TransferPatientCommand)
export class TransferPatientHandler implements ICommandHandler<TransferPatientCommand> {
  constructor(private readonly patients: PatientCommands) {}

  execute({ data, envelope }: TransferPatientCommand): Promise<PatientCommandResponse> {
    return this.patients.run(data.patientId, { type: 'TransferPatient', data }, envelope);
  }
}
