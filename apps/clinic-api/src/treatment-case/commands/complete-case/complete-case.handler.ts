import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { CompleteCaseCommand } from './complete-case.command';

@CommandHandler(CompleteCaseCommand)
export class CompleteCaseHandler implements ICommandHandler<CompleteCaseCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: CompleteCaseCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'CompleteCase', data }, envelope);
  }
}
