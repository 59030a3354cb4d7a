import { Command } from '@nestjs/cqrs';
import type { RequestPlanRevision } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class RequestPlanRevisionCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: RequestPlanRevision['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
