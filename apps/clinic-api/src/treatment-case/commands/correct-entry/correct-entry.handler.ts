import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { CorrectEntryCommand } from './correct-entry.command';

@CommandHandler(CorrectEntryCommand)
export class CorrectEntryHandler implements ICommandHandler<CorrectEntryCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: CorrectEntryCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'CorrectEntry', data }, envelope);
  }
}
