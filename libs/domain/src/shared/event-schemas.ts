import type { PatientEventType } from '../patient/patient.events';
import type { CaseEventType } from '../treatment-case/treatment-case.events';
import type { StreamAggregate } from './streams';

export type DomainEventType = PatientEventType | CaseEventType;

export interface EventSchema {
  aggregate: StreamAggregate;
  /** Bump when an event's data changes shape, and add an upcaster for older versions. */
  schemaVersion: number;
}

/**
 * Every event type the domain writes. Events read back from storage are plain data, so this map —
 * not a class registry — is how readers recognise them. The key type makes a missing entry a compile error.
 */
export const EVENT_SCHEMAS: Readonly<Record<DomainEventType, EventSchema>> = {
  PatientRegistered: { aggregate: 'patient', schemaVersion: 1 },
  PatientDemographicsCorrected: { aggregate: 'patient', schemaVersion: 1 },
  CareTeamMemberAssigned: { aggregate: 'patient', schemaVersion: 1 },
  CareTeamMemberRemoved: { aggregate: 'patient', schemaVersion: 1 },
  ConsentRecorded: { aggregate: 'patient', schemaVersion: 1 },
  PatientTransferred: { aggregate: 'patient', schemaVersion: 1 },

  CaseOpened: { aggregate: 'treatment_case', schemaVersion: 1 },
  ClinicalFindingsRecorded: { aggregate: 'treatment_case', schemaVersion: 1 },
  ScanAttached: { aggregate: 'treatment_case', schemaVersion: 1 },
  TreatmentPlanProposed: { aggregate: 'treatment_case', schemaVersion: 1 },
  TreatmentPlanApproved: { aggregate: 'treatment_case', schemaVersion: 1 },
  PlanRevisionRequested: { aggregate: 'treatment_case', schemaVersion: 1 },
  AlignersOrdered: { aggregate: 'treatment_case', schemaVersion: 1 },
  AlignersShipped: { aggregate: 'treatment_case', schemaVersion: 1 },
  ProgressCheckRecorded: { aggregate: 'treatment_case', schemaVersion: 1 },
  RefinementStarted: { aggregate: 'treatment_case', schemaVersion: 1 },
  CaseCompleted: { aggregate: 'treatment_case', schemaVersion: 1 },
  CaseCancelled: { aggregate: 'treatment_case', schemaVersion: 1 },
  EntryCorrected: { aggregate: 'treatment_case', schemaVersion: 1 },
};

export const isDomainEventType = (type: string): type is DomainEventType => Object.hasOwn(EVENT_SCHEMAS, type);

export const eventTypesOf = (aggregate: StreamAggregate): DomainEventType[] =>
  (Object.keys(EVENT_SCHEMAS) as DomainEventType[]).filter((type) => EVENT_SCHEMAS[type].aggregate === aggregate);
