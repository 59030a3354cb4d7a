import { Command } from '@nestjs/cqrs';
import type { OpenCase } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

/** OpenCase without its consent snapshot: the handler takes that from the patient stream. */
export class OpenCaseCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: Omit<OpenCase['data'], 'patientConsent'>,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
