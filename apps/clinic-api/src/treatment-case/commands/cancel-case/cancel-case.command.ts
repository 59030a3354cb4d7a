import { Command } from '@nestjs/cqrs';
import type { CancelCase } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class CancelCaseCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: CancelCase['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
