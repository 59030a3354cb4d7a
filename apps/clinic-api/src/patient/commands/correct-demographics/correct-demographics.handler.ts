import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PatientCommandResponse } from '../../dto/patient-command.response';
import { PatientCommands } from '../../patient-commands.service';
import { CorrectDemographicsCommand } from './correct-demographics.command';

@CommandHandler(CorrectDemographicsCommand)
export class CorrectDemographicsHandler implements ICommandHandler<CorrectDemographicsCommand> {
  constructor(private readonly patients: PatientCommands) {}

  execute({ data, envelope }: CorrectDemographicsCommand): Promise<PatientCommandResponse> {
    return this.patients.run(data.patientId, { type: 'CorrectDemographics', data }, envelope);
  }
}
