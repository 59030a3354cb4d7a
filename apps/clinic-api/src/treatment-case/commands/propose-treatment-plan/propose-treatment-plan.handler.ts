import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { ProposeTreatmentPlanCommand } from './propose-treatment-plan.command';

@CommandHandler(ProposeTreatmentPlanCommand)
export class ProposeTreatmentPlanHandler implements ICommandHandler<ProposeTreatmentPlanCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: ProposeTreatmentPlanCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'ProposeTreatmentPlan', data }, envelope, ['planId']);
  }
}
