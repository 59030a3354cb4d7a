import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { RecordProgressCheckCommand } from './record-progress-check.command';

@CommandHandler(RecordProgressCheckCommand)
export class RecordProgressCheckHandler implements ICommandHandler<RecordProgressCheckCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: RecordProgressCheckCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'RecordProgressCheck', data }, envelope, ['checkId']);
  }
}
