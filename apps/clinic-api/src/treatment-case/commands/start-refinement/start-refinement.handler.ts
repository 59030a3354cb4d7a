import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { StartRefinementCommand } from './start-refinement.command';

@CommandHandler(StartRefinementCommand)
export class StartRefinementHandler implements ICommandHandler<StartRefinementCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: StartRefinementCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'StartRefinement', data }, envelope);
  }
}
