import { Command } from '@nestjs/cqrs';
import type { CareTeamRole, RegisterPatient } from '@ortholedger/domain';
import type { CommandEnvelope } from '@ortholedger/platform';
import type { PatientCommandResponse } from '../../dto/patient-command.response';

/** Registration together with the first care team, appended as one batch. */
export class RegisterPatientCommand extends Command<PatientCommandResponse> {
  constructor(
    readonly data: RegisterPatient['data'],
    readonly careTeam: ReadonlyArray<{ userId: string; role: CareTeamRole }>,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
