import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { CancelCaseCommand } from './cancel-case.command';

@CommandHandler(CancelCaseCommand)
export class CancelCaseHandler implements ICommandHandler<CancelCaseCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: CancelCaseCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'CancelCase', data }, envelope);
  }
}
