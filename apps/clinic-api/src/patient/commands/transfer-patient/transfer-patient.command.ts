import { Command } from '@nestjs/cqrs';
import type { TransferPatient } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class TransferPatientCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: TransferPatient['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
