import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { RecordConsentCommand } from './record-consent.command';

@CommandHandler(RecordConsentCommand)
export class RecordConsentHandler implements ICommandHandler<RecordConsentCommand> {
  constructor(private readonly patients: PatientCommands) {}

  execute({ data, envelope }: RecordConsentCommand): Promise<PatientCommandResponse> {
    return this.patients.run(data.patientId, { type: 'RecordConsent', data }, envelope);
  }
}
