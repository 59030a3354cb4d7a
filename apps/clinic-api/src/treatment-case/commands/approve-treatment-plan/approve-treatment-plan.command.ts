import { Command } from '@nestjs/cqrs';
import type { ApprovePlan } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

export class ApproveTreatmentPlanCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: ApprovePlan['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
