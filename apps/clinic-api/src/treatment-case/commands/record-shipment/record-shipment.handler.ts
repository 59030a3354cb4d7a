import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { RecordShipmentCommand } from './record-shipment.command';

@CommandHandler(RecordShipmentCommand)
export class RecordShipmentHandler implements ICommandHandler<RecordShipmentCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: RecordShipmentCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'RecordShipment', data }, envelope, ['orderId']);
  }
}
