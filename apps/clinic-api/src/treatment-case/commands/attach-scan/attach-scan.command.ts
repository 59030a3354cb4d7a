import { Command } from '@nestjs/cqrs';
import type { AttachScan } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class AttachScanCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: AttachScan['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
