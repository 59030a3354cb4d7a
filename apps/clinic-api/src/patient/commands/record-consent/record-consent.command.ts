import { Command } from '@nestjs/cqrs';
import type { RecordConsent } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

export class RecordConsentCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: RecordConsent['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
