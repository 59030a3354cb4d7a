import { Command } from '@nestjs/cqrs';
import type { RecordShipment } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

/**
 * The lab's shipment, recorded by a case coordinator (back office). No clinic route: the decider
 * allows only case_coordinator, and the admin API's route needs a policy action that does not
 * exist yet. Back-office tooling and tests dispatch it on the CommandBus.
 */
export class RecordShipmentCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: RecordShipment['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
