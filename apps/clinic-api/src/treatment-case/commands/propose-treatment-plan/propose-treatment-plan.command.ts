import { Command } from '@nestjs/cqrs';
import type { ProposeTreatmentPlan } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { CaseCommandResponse } from '../../dto/case-command.response';

/**
 * A back-office planner's proposal. Its HTTP route belongs to the admin API (planner realm, planner
 * assignment policy) and arrives with that issue; until then back-office tooling and tests
 * dispatch this command on the CommandBus with a treatment_planner envelope.
 */
export class ProposeTreatmentPlanCommand extends Command<CaseCommandResponse> {
  constructor(
    readonly data: ProposeTreatmentPlan['data'],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
