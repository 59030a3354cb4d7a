import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { ApproveTreatmentPlanCommand } from './approve-treatment-plan.command';

@CommandHandler(ApproveTreatmentPlanCommand)
export class ApproveTreatmentPlanHandler implements ICommandHandler<ApproveTreatmentPlanCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: ApproveTreatmentPlanCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'ApprovePlan', data }, envelope);
  }
}
