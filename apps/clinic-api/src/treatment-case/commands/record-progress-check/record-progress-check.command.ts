import { Command } from '@nestjs/cqrs';
import type { RecordProgressCheck } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class RecordProgressCheckCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: RecordProgressCheck['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
