import { Command } from '@nestjs/cqrs';
import type { CorrectEntry } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class CorrectEntryCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: CorrectEntry['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
