import type { Message } from '../shared/decider';

export const CARE_TEAM_ROLES = ['orthodontist', 'dentist', 'clinic_staff'] as const;
export const CONSENT_TYPES = ['treatment', 'data_processing', 'research'] as const;
export const CONSENT_STATUSES = ['granted', 'revoked'] as const;
export const CONSENT_GIVERS = ['patient', 'guardian'] as const;

export type CareTeamRole = (typeof CARE_TEAM_ROLES)[number];

/** The care-team roles that can treat, and so manage the team: a team must keep one of them. */
export const CLINICIAN_ROLES = ['orthodontist', 'dentist'] as const;
export const isClinicianRole = (role: string | undefined): role is (typeof CLINICIAN_ROLES)[number] => role === 'orthodontist' || role === 'dentist';
export type ConsentType = (typeof CONSENT_TYPES)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export type ConsentGiver = (typeof CONSENT_GIVERS)[number];

export interface PersonName {
  given: string;
  family: string;
}

export interface PostalAddress {
  lines: string[];
  city: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface ContactDetails {
  email?: string;
  phone?: string;
  address?: PostalAddress;
}

export interface Guardian {
  name: PersonName;
  relationship: string;
  contact?: ContactDetails;
}

export interface Demographics {
  name: PersonName;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  contact: ContactDetails;
  chartNumber: string;
  guardian?: Guardian;
}

/** Fields being corrected; `guardian: null` removes a guardian recorded in error. */
export type DemographicsCorrection = Partial<Omit<Demographics, 'guardian'>> & { guardian?: Guardian | null };

export type RegisterPatient = Message<'RegisterPatient', { patientId: string; clinicId: string } & Demographics>;

export type CorrectDemographics = Message<
  'CorrectDemographics',
  { patientId: string; corrections: DemographicsCorrection; reason: string }
>;

export type AssignCareTeamMember = Message<
  'AssignCareTeamMember',
  { patientId: string; userId: string; role: CareTeamRole }
>;

export type RemoveCareTeamMember = Message<'RemoveCareTeamMember', { patientId: string; userId: string }>;

export type RecordConsent = Message<
  'RecordConsent',
  {
    patientId: string;
    consentType: ConsentType;
    formVersion: string;
    status: ConsentStatus;
    givenBy: ConsentGiver;
    /** When the form was signed or withdrawn; may precede the moment it is recorded. */
    recordedAt: string;
  }
>;

/**
 * A transfer is a referral: it names the receiving clinic's care team (at least one orthodontist or
 * dentist), who take over from the former team in the same append, so the patient is never left
 * without anyone able to treat them or manage their team.
 */
export type TransferPatient = Message<
  'TransferPatient',
  { patientId: string; toClinicId: string; reason: string; careTeam: ReadonlyArray<{ userId: string; role: CareTeamRole }> }
>;

/**
 * The acting orthodontist or dentist joins a care team left without an active clinician. Which
 * members are not active clinicians (account disabled, not in the clinic, or not an orthodontist or
 * dentist by account, whatever their label on the team) only the identity store knows: the
 * application lists them, and the decider refuses while any other member remains (so a concurrent
 * take-over, decided again on the newer team, is refused too).
 */
export type TakeOverCareTeam = Message<'TakeOverCareTeam', { patientId: string; notActiveClinicians: readonly string[] }>;

export type PatientCommand =
  RegisterPatient | CorrectDemographics | AssignCareTeamMember | RemoveCareTeamMember | RecordConsent | TransferPatient | TakeOverCareTeam;

export type PatientCommandType = PatientCommand['type'];
