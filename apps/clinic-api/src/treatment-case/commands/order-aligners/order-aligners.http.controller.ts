import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { type CommandEnvelope, CommandRoute, Envelope, mintId, ParseIdPipe, toPlain } from '@ortholedger/platform';
import { patientOfCase } from '../../case-patients';
import { CaseCommandResponse } from '../../dto/case-command.response';
import { OrderAlignersCommand } from './order-aligners.command';
import { OrderAlignersRequest } from './order-aligners.request.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class OrderAlignersController {
  constructor(private readonly commands: CommandBus) {}

  /** Orders aligners of the approved plan for a stage range. */
  @Post(':caseId/orders')
  @HttpCode(201)
  @Authorize('case', 'order', { patientIdFrom: patientOfCase, purpose: 'treatment' })
  @CommandRoute()
  @ApiCreatedResponse({ type: CaseCommandResponse })
  handle(
    @Param('caseId', ParseIdPipe) caseId: string,
    @Body() body: OrderAlignersRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CaseCommandResponse> {
    const data = { ...toPlain<OrderAlignersRequest>(body), caseId, entryId: mintId(envelope, 'entryId'), orderId: mintId(envelope, 'orderId') };
    return this.commands.execute(new OrderAlignersCommand(data, envelope));
  }
}
