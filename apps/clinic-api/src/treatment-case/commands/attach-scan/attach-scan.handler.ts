import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { AttachScanCommand } from './attach-scan.command';

@CommandHandler(AttachScanCommand)
export class AttachScanHandler implements ICommandHandler<AttachScanCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: AttachScanCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'AttachScan', data }, envelope, ['scanId']);
  }
}
