import { Command } from '@nestjs/cqrs';
import type { CorrectDemographics } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class CorrectDemographicsCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: CorrectDemographics['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
