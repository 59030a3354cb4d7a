import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { RequestPlanRevisionCommand } from './request-plan-revision.command';

@CommandHandler(RequestPlanRevisionCommand)
export class RequestPlanRevisionHandler implements ICommandHandler<RequestPlanRevisionCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: RequestPlanRevisionCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'RequestPlanRevision', data }, envelope);
  }
}
