import { Inject, Injectable } from '@nestjs/common';
import {
  caseStream, DomainError, hasActiveConsent, treatmentCaseDecider, type CaseCommand, type CaseEvent, type CaseState,
} from '@ortholedger/domain';
import type { EventStore } from '@ortholedger/event-store';
import { type CommandEnvelope, EVENT_STORE, handleCommand, type LoadedStream, loadStream } from '@ortholedger/platform';
import { ClinicMembers } from '../patient/care-team/clinic-members';
import { PatientCommands } from '../patient/patient-commands.service';
import { CasePatients } from './case-patients';
import type { CaseCommandResponse } from './dto/case-command.response';

/** Ids of records a command creates, named in its answer. */
type CreatedId = 'findingId' | 'scanId' | 'planId' | 'orderId' | 'checkId';

/** The commands requireTreating guards: only they need the treating doctor's account looked up. */
const PLAN_DECISIONS: ReadonlySet<CaseCommand['type']> = new Set(['ApprovePlan', 'RequestPlanRevision']);

/** The case stream through the generic handler; Nest command handlers are thin adapters over `run`. */
@Injectable()
export class CaseCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly patients: CasePatients,
    private readonly patientStreams: PatientCommands,
    private readonly members: ClinicMembers,
  ) {}

  /**
   * For an existing case; the patient (the stream's key subject) comes from the case itself. The
   * decider gets facts from the patient stream, read now, as opening a case does: the clinic the
   * patient belongs to (a transferred patient's cases move with them), whether treatment consent is
   * active, and for plan decisions whether the treating doctor handed them over to the care team
   * (the team, who left it on their own, and from the identity store whether the treating doctor is
   * still an active clinician of the patient's clinic). Whatever the caller put in those fields is replaced.
   */
  async run(command: Exclude<CaseCommand, { type: 'OpenCase' }>, envelope: CommandEnvelope, created: readonly CreatedId[] = []): Promise<CaseCommandResponse> {
    const { caseId } = command.data;
    const patientId = await this.patients.patientOf(caseId);
    if (!patientId) throw new DomainError('TREATMENT_CASE.NOT_OPENED', `case ${caseId} has not been opened`);
    const { patientConsent: _consent, patientClinicId: _clinic, patientCareTeam: _team, patientLeftTeam: _left, treatingDoctorActive: _active, ...data } = command.data;
    const patient = (await this.patientStreams.load(patientId)).state;
    const snapshot =
      patient.status === 'active'
        ? {
            patientClinicId: patient.clinicId,
            patientCareTeam: Object.keys(patient.careTeam),
            patientLeftTeam: patient.leftTeam,
            patientConsent: { treatment: hasActiveConsent(patient, 'treatment') },
            ...(PLAN_DECISIONS.has(command.type) ? { treatingDoctorActive: await this.treatingDoctorActive(caseId, patient.clinicId) } : {}),
          }
        : { patientConsent: { treatment: false } };
    return this.append(patientId, { ...command, data: { ...data, ...snapshot } } as typeof command, envelope, created);
  }

  /** Not a clinician of the clinic any more (disabled, role changed, another clinic): they can no longer decide. */
  private async treatingDoctorActive(caseId: string, clinicId: string): Promise<boolean> {
    // From the case's opening (cached): the treating orthodontist never changes, so the stream need not be read again.
    const treating = await this.patients.treatingOrthodontistOf(caseId);
    if (!treating) return true; // not opened: the decider refuses the command anyway
    return (await this.members.notActiveClinicians(clinicId, [treating])).length === 0;
  }

  /** A new case stream, filed under the patient so that erasing the patient shreds the case too. */
  open(command: Extract<CaseCommand, { type: 'OpenCase' }>, envelope: CommandEnvelope): Promise<CaseCommandResponse> {
    return this.append(command.data.patientId, command, envelope, []);
  }

  load(caseId: string): Promise<LoadedStream<CaseEvent, CaseState>> {
    return loadStream(this.store, treatmentCaseDecider, 'treatment_case', caseStream(caseId));
  }

  private async append(patientId: string, command: CaseCommand, envelope: CommandEnvelope, created: readonly CreatedId[]): Promise<CaseCommandResponse> {
    const { caseId } = command.data;
    const target = { store: this.store, decider: treatmentCaseDecider, aggregate: 'treatment_case' as const, streamId: caseStream(caseId), subjectId: patientId };
    const outcome = await handleCommand(target, command, envelope);
    // Answer from the recorded event: on a recognised retry it is the first attempt's, ids included.
    const recorded = outcome.events[0].data as unknown as Record<string, string>;
    const ids = Object.fromEntries(created.map((key) => [key, recorded[key]]));
    return { caseId, entryId: recorded.entryId, revision: Number(outcome.revision), ...ids };
  }
}
