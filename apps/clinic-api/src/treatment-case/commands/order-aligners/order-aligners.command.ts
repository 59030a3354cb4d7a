import { Command } from '@nestjs/cqrs';
import type { OrderAligners } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class OrderAlignersCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: OrderAligners['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
