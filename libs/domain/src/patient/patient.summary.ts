import { assertNever } from '../shared/decider';
import type { CareTeamRole, ConsentStatus, ConsentType } from './patient.commands';
import type { PatientEvent } from './patient.events';

/** What a patient event was, without PHI: ids, codes and field names only. */
export type PatientEventSummary =
  | { kind: 'patient_registered'; clinicId: string; withGuardian: boolean }
  | { kind: 'demographics_corrected'; fields: string[] }
  | { kind: 'care_team_member_assigned'; userId: string; role: CareTeamRole }
  | { kind: 'care_team_member_removed'; userId: string }
  | { kind: 'consent_recorded'; consentType: ConsentType; status: ConsentStatus; formVersion: string }
  | { kind: 'patient_transferred'; fromClinicId: string; toClinicId: string };

export function summarizePatientEvent(event: PatientEvent): PatientEventSummary {
  switch (event.type) {
    case 'PatientRegistered':
      return {
        kind: 'patient_registered',
        clinicId: event.data.clinicId,
        withGuardian: event.data.guardian !== undefined,
      };
    case 'PatientDemographicsCorrected':
      return { kind: 'demographics_corrected', fields: Object.keys(event.data.corrections).sort() };
    case 'CareTeamMemberAssigned':
      return { kind: 'care_team_member_assigned', userId: event.data.userId, role: event.data.role };
    case 'CareTeamMemberRemoved':
      return { kind: 'care_team_member_removed', userId: event.data.userId };
    case 'ConsentRecorded': {
      const { consentType, status, formVersion } = event.data;
      return { kind: 'consent_recorded', consentType, status, formVersion };
    }
    case 'PatientTransferred':
      return { kind: 'patient_transferred', fromClinicId: event.data.fromClinicId, toClinicId: event.data.toClinicId };
    default:
      return assertNever(event, 'patient event');
  }
}
