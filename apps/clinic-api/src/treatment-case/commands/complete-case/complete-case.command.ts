import { Command } from '@nestjs/cqrs';
import type { CompleteCase } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class CompleteCaseCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: CompleteCase['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
