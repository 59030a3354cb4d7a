import { assertNever } from '../shared/decider';
import type { CareTeamRole, ConsentGiver, ConsentStatus, ConsentType } from './patient.commands';
import type { PatientEvent } from './patient.events';

export interface ConsentRecord {
  status: ConsentStatus;
  formVersion: string;
  givenBy: ConsentGiver;
  recordedAt: string;
  /** Given by a guardian whose record was then removed: no longer consent (a new one must be recorded). */
  lapsed?: true;
}

export interface UnregisteredPatient {
  status: 'unregistered';
}

/** A transfer is only a clinic change: the patient stays active under the new clinic. */
export interface ActivePatient {
  status: 'active';
  patientId: string;
  clinicId: string;
  careTeam: Readonly<Record<string, CareTeamRole>>;
  /** Former members who removed themselves (and have not rejoined): they handed their plan decisions over. */
  leftTeam: readonly string[];
  consents: Readonly<Partial<Record<ConsentType, ConsentRecord>>>;
  hasGuardian: boolean;
  registeredAt: string;
}

/** Demographics are PHI and no rule depends on them, so state keeps none of them. */
export type PatientState = UnregisteredPatient | ActivePatient;

export const initialPatientState = (): PatientState => ({ status: 'unregistered' });

export function evolvePatient(state: PatientState, event: PatientEvent): PatientState {
  if (event.type === 'PatientRegistered') {
    const { data } = event;
    return {
      status: 'active',
      patientId: data.patientId,
      clinicId: data.clinicId,
      careTeam: {},
      leftTeam: [],
      consents: {},
      hasGuardian: data.guardian !== undefined,
      registeredAt: data.occurredAt,
    };
  }
  // Events for an unregistered patient cannot come from decide; replay them as no-ops.
  if (state.status !== 'active') return state;

  switch (event.type) {
    case 'PatientDemographicsCorrected': {
      const { guardian } = event.data.corrections;
      if (guardian === undefined) return state;
      if (guardian !== null) return { ...state, hasGuardian: true };
      // Removing the guardian (`null`: recorded in error) takes away the standing of every consent they gave.
      return { ...state, hasGuardian: false, consents: lapseGuardianConsents(state.consents) };
    }
    case 'CareTeamMemberAssigned': {
      const { userId, role } = event.data;
      return { ...state, careTeam: { ...state.careTeam, [userId]: role }, leftTeam: state.leftTeam.filter((id) => id !== userId) };
    }
    case 'CareTeamMemberRemoved': {
      const { userId, removedBy } = event.data;
      const { [userId]: _removed, ...careTeam } = state.careTeam;
      const others = state.leftTeam.filter((id) => id !== userId);
      return { ...state, careTeam, leftTeam: removedBy === userId ? [...others, userId] : others };
    }
    case 'ConsentRecorded': {
      const { consentType, status, formVersion, givenBy, recordedAt } = event.data;
      const record = { status, formVersion, givenBy, recordedAt };
      if (!supersedes(record, state.consents[consentType])) return state;
      return { ...state, consents: { ...state.consents, [consentType]: record } };
    }
    case 'PatientTransferred':
      // The former clinic's people lose their care-team standing; the new clinic assigns its own.
      return { ...state, clinicId: event.data.toClinicId, careTeam: {} };
    default:
      return assertNever(event, 'patient event');
  }
}

/**
 * Consent records may be entered after the fact (a paper form signed last week), so the current
 * consent of a type is the one given last, by `recordedAt`, not the one entered last; at the same
 * instant the later entry wins. New records older than the current one are refused
 * (PATIENT.CONSENT_OUT_OF_ORDER); this rule also folds streams written before that check.
 */
export function supersedes(next: Pick<ConsentRecord, 'recordedAt'>, current: Pick<ConsentRecord, 'recordedAt'> | undefined): boolean {
  return current === undefined || Date.parse(next.recordedAt) >= Date.parse(current.recordedAt);
}

/** A guardian's granted consents lapse with the guardian's removal; the records stay, marked. */
function lapseGuardianConsents(consents: ActivePatient['consents']): ActivePatient['consents'] {
  const entries = Object.entries(consents).map(([type, record]) =>
    [type, record.givenBy === 'guardian' && record.status === 'granted' ? { ...record, lapsed: true as const } : record]);
  return Object.fromEntries(entries);
}

export const isGranted = (record: ConsentRecord | undefined): boolean => record?.status === 'granted' && !record.lapsed;

export const hasActiveConsent = (state: PatientState, type: ConsentType): boolean =>
  state.status === 'active' && isGranted(state.consents[type]);

export const isCareTeamMember = (state: PatientState, userId: string): boolean =>
  state.status === 'active' && Object.hasOwn(state.careTeam, userId);
