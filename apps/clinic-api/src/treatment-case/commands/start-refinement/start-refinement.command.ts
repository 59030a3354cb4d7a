import { Command } from '@nestjs/cqrs';
import type { StartRefinement } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class StartRefinementCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: StartRefinement['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
