import { Inject, Injectable } from '@nestjs/common';
import { PostgresCareTeamDirectory } from '@ortholedger/access';
import { foldEvents, isCareTeamMember, patientDecider, type PatientEvent } from '@ortholedger/domain';
import { DATABASE_POOLS, type DatabasePools } from '@ortholedger/platform';

/**
 * Keeps the access layer's interim care-team tables in step with the patient stream until the
 * care-team projection replaces them (libs/access CareTeamDirectory). Derived from the whole
 * history, so it is idempotent and a retry repairs a write lost after an append. Only members the
 * stream ever assigned are touched: planner assignments made elsewhere stay.
 */
@Injectable()
export class InterimCareTeamSync {
  private readonly directory: PostgresCareTeamDirectory;

  constructor(@Inject(DATABASE_POOLS) pools: DatabasePools) {
    this.directory = new PostgresCareTeamDirectory(pools.app);
  }

  async sync(patientId: string, history: readonly PatientEvent[]): Promise<void> {
    const state = foldEvents(patientDecider, history);
    if (state.status !== 'active') return;
    await this.directory.setPatientClinic(patientId, state.clinicId);
    const assigned = new Set(history.flatMap((e) => (e.type === 'CareTeamMemberAssigned' ? [e.data.userId] : [])));
    for (const userId of assigned) {
      if (isCareTeamMember(state, userId)) await this.directory.addMember(patientId, userId);
      else await this.directory.removeMember(patientId, userId);
    }
  }
}
