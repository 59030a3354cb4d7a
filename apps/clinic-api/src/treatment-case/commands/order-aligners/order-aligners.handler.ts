import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { OrderAlignersCommand } from './order-aligners.command';

@CommandHandler(OrderAlignersCommand)
export class OrderAlignersHandler implements ICommandHandler<OrderAlignersCommand> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ data, envelope }: OrderAlignersCommand): Promise<CaseCommandResponse> {
    return this.cases.run({ type: 'OrderAligners', data }, envelope, ['orderId']);
  }
}
