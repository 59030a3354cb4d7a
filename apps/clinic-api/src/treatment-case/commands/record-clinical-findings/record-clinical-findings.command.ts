import { Command } from '@nestjs/cqrs';
import type { RecordClinicalFindings } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class RecordClinicalFindingsCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: RecordClinicalFindings['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
