import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { RecordClinicalFindingsCommand } from './record-clinical-findings.command';

@CommandHandler(RecordClinicalFindingsCommand)
export class RecordClinicalFindingsHandler implements ICommandHandler<RecordClinicalFindingsCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: RecordClinicalFindingsCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'RecordClinicalFindings', data }, envelope, ['findingId']);
  }
}
