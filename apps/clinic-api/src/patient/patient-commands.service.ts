import { Inject, Injectable } from '@nestjs/common';
import { patientDecider, patientStream, type PatientCommand, type PatientEvent, type PatientState } from '@ortholedger/domain';
import type { EventStore } from '@ortholedger/event-store';
import { type CommandEnvelope, type CommandTarget, EVENT_STORE, handleCommand, type LoadedStream, loadStream } from '@ortholedger/platform';
import { InterimCareTeamSync } from './care-team/interim-care-team.sync';
import type { PatientCommandResponse } from './dto/patient-command.response';

/** The patient stream through the generic handler; Nest command handlers are thin adapters over `run`. */
@Injectable()
export class PatientCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly careTeam: InterimCareTeamSync,
  ) {}

  async run(patientId: string, commands: PatientCommand | PatientCommand[], envelope: CommandEnvelope): Promise<PatientCommandResponse> {
    const outcome = await handleCommand(this.target(patientId), commands, envelope);
    // Also on a replayed retry: the first attempt may have died between the append and this write.
    await this.careTeam.sync(patientId, outcome.history);
    return { patientId, revision: Number(outcome.revision) };
  }

  load(patientId: string): Promise<LoadedStream<PatientEvent, PatientState>> {
    return loadStream(this.store, patientDecider, 'patient', patientStream(patientId));
  }

  private target(patientId: string): CommandTarget<PatientCommand, PatientEvent, PatientState> {
    // A patient stream's keys are filed under the patient: erasing them shreds the whole record.
    return { store: this.store, decider: patientDecider, aggregate: 'patient', streamId: patientStream(patientId), subjectId: patientId };
  }
}
