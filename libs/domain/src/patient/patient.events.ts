import type { Message } from '../shared/decider';
import type {
  CareTeamRole,
  ConsentGiver,
  ConsentStatus,
  ConsentType,
  Demographics,
  DemographicsCorrection,
} from './patient.commands';

/** Carried by every patient event; `occurredAt` is the command's ctx.now. */
export interface PatientEventBase {
  patientId: string;
  occurredAt: string;
}

export type PatientRegistered = Message<
  'PatientRegistered',
  PatientEventBase & { clinicId: string; registeredBy: string } & Demographics
>;

export type PatientDemographicsCorrected = Message<
  'PatientDemographicsCorrected',
  PatientEventBase & { corrections: DemographicsCorrection; reason: string }
>;

export type CareTeamMemberAssigned = Message<
  'CareTeamMemberAssigned',
  PatientEventBase & { userId: string; role: CareTeamRole; previousRole?: CareTeamRole }
>;

/**
 * `removedBy` is the actor: a member who removed themselves has handed their cases' plan decisions
 * over to the team. Events recorded before it was written lack it and count as removed by another.
 */
export type CareTeamMemberRemoved = Message<'CareTeamMemberRemoved', PatientEventBase & { userId: string; removedBy?: string }>;

export type ConsentRecorded = Message<
  'ConsentRecorded',
  PatientEventBase & {
    consentType: ConsentType;
    formVersion: string;
    status: ConsentStatus;
    givenBy: ConsentGiver;
    recordedAt: string;
  }
>;

export type PatientTransferred = Message<
  'PatientTransferred',
  PatientEventBase & { fromClinicId: string; toClinicId: string; reason: string }
>;

export type PatientEvent =
  | PatientRegistered
  | PatientDemographicsCorrected
  | CareTeamMemberAssigned
  | CareTeamMemberRemoved
  | ConsentRecorded
  | PatientTransferred;

export type PatientEventType = PatientEvent['type'];
