import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class TakeOverCareCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: { patientId: string },
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
