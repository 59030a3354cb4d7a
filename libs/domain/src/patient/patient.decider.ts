import {
  assertContext,
  CLINIC_ROLES,
  requireRole,
  requireSameClinic,
  type CommandContext,
  type Role,
} from '../shared/actor';
import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  optional,
  requireOneOf,
  requireReason,
  requireText,
  requireTimestamp,
  requireUuid,
} from '../shared/validation';
import {
  CARE_TEAM_ROLES,
  CONSENT_GIVERS,
  CONSENT_STATUSES,
  CONSENT_TYPES,
  CLINICIAN_ROLES,
  isClinicianRole,
  type CareTeamRole,
  type PatientCommand,
  type PatientCommandType,
  type RecordConsent,
} from './patient.commands';
import type { ConsentRecorded, PatientEvent } from './patient.events';
import { evolvePatient, initialPatientState, isGranted, supersedes, type ActivePatient, type PatientState } from './patient.state';
import { validateCorrection, validateDemographics } from './patient.validation';

/**
 * Business rules on roles only: every patient command belongs to the clinic realm. Whether a
 * given clinic user may touch a given patient (care team, break-glass) is an access policy.
 */
export const PATIENT_COMMAND_ROLES: Readonly<Record<PatientCommandType, readonly Role[]>> = {
  RegisterPatient: CLINIC_ROLES,
  CorrectDemographics: CLINIC_ROLES,
  AssignCareTeamMember: CLINIC_ROLES,
  RemoveCareTeamMember: CLINIC_ROLES,
  RecordConsent: CLINIC_ROLES,
  TransferPatient: CLINIC_ROLES,
  TakeOverCareTeam: CLINICIAN_ROLES,
};

export function decidePatient(command: PatientCommand, state: PatientState, ctx: CommandContext): PatientEvent[] {
  assertContext(ctx);
  requireRole(ctx, PATIENT_COMMAND_ROLES[command.type], command.type);
  const patientId = requireUuid(command.data.patientId, 'patientId');
  const base = { patientId, occurredAt: ctx.now };

  if (command.type === 'RegisterPatient') {
    if (state.status !== 'unregistered') {
      throw new DomainError('PATIENT.ALREADY_REGISTERED', `patient ${patientId} is already registered`);
    }
    const clinicId = requireUuid(command.data.clinicId, 'clinicId');
    requireSameClinic(ctx, clinicId);
    const demographics = validateDemographics(command.data, ctx.now);
    return [
      { type: 'PatientRegistered', data: { ...base, clinicId, registeredBy: ctx.actor.userId, ...demographics } },
    ];
  }

  const patient = requireActive(state, patientId);
  requireSameClinic(ctx, patient.clinicId);

  switch (command.type) {
    case 'CorrectDemographics': {
      const reason = requireReason(command.data.reason);
      const corrections = validateCorrection(command.data.corrections, ctx.now);
      return [{ type: 'PatientDemographicsCorrected', data: { ...base, corrections, reason } }];
    }
    case 'AssignCareTeamMember': {
      const userId = requireUuid(command.data.userId, 'userId');
      const role = requireOneOf(command.data.role, CARE_TEAM_ROLES, 'role');
      const previousRole = patient.careTeam[userId];
      if (previousRole === role) {
        throw new DomainError('PATIENT.ALREADY_ON_CARE_TEAM', `user ${userId} is already on the care team as ${role}`);
      }
      requireClinicianRemains(patient, userId, role);
      return [
        { type: 'CareTeamMemberAssigned', data: { ...base, userId, role, ...optional('previousRole', previousRole) } },
      ];
    }
    case 'RemoveCareTeamMember': {
      const userId = requireUuid(command.data.userId, 'userId');
      if (!Object.hasOwn(patient.careTeam, userId)) {
        throw new DomainError('PATIENT.NOT_ON_CARE_TEAM', `user ${userId} is not on the care team`);
      }
      requireClinicianRemains(patient, userId, undefined);
      return [{ type: 'CareTeamMemberRemoved', data: { ...base, userId, removedBy: ctx.actor.userId } }];
    }
    case 'RecordConsent':
      return [{ type: 'ConsentRecorded', data: { ...base, ...decideConsent(command.data, patient, ctx) } }];
    case 'TakeOverCareTeam': {
      const notClinicians = new Set(Array.isArray(command.data.notActiveClinicians) ? command.data.notActiveClinicians : []);
      if (Object.keys(patient.careTeam).some((userId) => !notClinicians.has(userId))) {
        throw new DomainError('PATIENT.CARE_TEAM_NOT_VACANT', 'the care team still has an active orthodontist or dentist: ask them to add you');
      }
      return [{ type: 'CareTeamMemberAssigned', data: { ...base, userId: ctx.actor.userId, role: ctx.actor.role as CareTeamRole } }];
    }
    case 'TransferPatient': {
      const toClinicId = requireUuid(command.data.toClinicId, 'toClinicId');
      const reason = requireReason(command.data.reason);
      if (toClinicId === patient.clinicId) {
        throw new DomainError('PATIENT.SAME_CLINIC', 'patient already belongs to that clinic');
      }
      const careTeam = requireReceivingTeam(command.data.careTeam);
      // The former clinic's team goes (evolve) and the receiving team joins in the same append.
      return [
        { type: 'PatientTransferred', data: { ...base, fromClinicId: patient.clinicId, toClinicId, reason } },
        ...careTeam.map(({ userId, role }): PatientEvent => ({ type: 'CareTeamMemberAssigned', data: { ...base, userId, role } })),
      ];
    }
    default:
      return assertNever(command, 'patient command');
  }
}

function requireActive(state: PatientState, patientId: string): ActivePatient {
  if (state.status !== 'active') {
    throw new DomainError('PATIENT.NOT_REGISTERED', `patient ${patientId} is not registered`);
  }
  if (state.patientId !== patientId) {
    throw new DomainError('VALIDATION.ID_MISMATCH', 'patientId does not match the loaded patient');
  }
  return state;
}

/**
 * Access to a patient, and managing their care team, both need care-team membership: a team
 * without an orthodontist or dentist leaves a patient nobody can treat or take over. So the last
 * clinician can neither leave nor become clinic staff; hand over to another clinician first.
 */
function requireClinicianRemains(patient: ActivePatient, userId: string, newRole: CareTeamRole | undefined): void {
  if (!isClinicianRole(patient.careTeam[userId]) || isClinicianRole(newRole)) return; // only a clinician leaving (or becoming staff) can empty it
  if (!Object.entries(patient.careTeam).some(([id, role]) => id !== userId && isClinicianRole(role))) {
    throw new DomainError('PATIENT.LAST_CLINICIAN', 'the care team needs at least one orthodontist or dentist; add another before this change');
  }
}

function requireReceivingTeam(team: unknown): { userId: string; role: CareTeamRole }[] {
  if (!Array.isArray(team) || team.length === 0 || team.length > 10) {
    throw new DomainError('PATIENT.CARE_TEAM_CLINICIAN_REQUIRED', 'a transfer names the receiving care team (1 to 10 members, at least one orthodontist or dentist)');
  }
  const members = team.map((m: { userId?: unknown; role?: unknown }) => ({ userId: requireUuid(m?.userId, 'careTeam.userId'), role: requireOneOf(m?.role, CARE_TEAM_ROLES, 'careTeam.role') }));
  if (new Set(members.map((m) => m.userId)).size !== members.length) {
    throw new DomainError('VALIDATION.INVALID_VALUE', 'careTeam names a member twice');
  }
  if (!members.some((m) => isClinicianRole(m.role))) {
    throw new DomainError('PATIENT.CARE_TEAM_CLINICIAN_REQUIRED', 'the receiving care team needs at least one orthodontist or dentist');
  }
  return members;
}

type ConsentFacts = Omit<ConsentRecorded['data'], 'patientId' | 'occurredAt'>;

function decideConsent(data: RecordConsent['data'], patient: ActivePatient, ctx: CommandContext): ConsentFacts {
  const consentType = requireOneOf(data.consentType, CONSENT_TYPES, 'consentType');
  const status = requireOneOf(data.status, CONSENT_STATUSES, 'status');
  const givenBy = requireOneOf(data.givenBy, CONSENT_GIVERS, 'givenBy');
  const formVersion = requireText(data.formVersion, 'formVersion', 32);
  const recordedAt = requireTimestamp(data.recordedAt, 'recordedAt');
  if (Date.parse(recordedAt) > Date.parse(ctx.now)) {
    throw new DomainError('VALIDATION.INVALID_TIMESTAMP', 'recordedAt is in the future');
  }
  if (givenBy === 'guardian' && !patient.hasGuardian) {
    throw new DomainError('PATIENT.GUARDIAN_NOT_RECORDED', 'consent by a guardian needs a guardian on record');
  }
  const current = patient.consents[consentType];
  if (!supersedes({ recordedAt }, current)) {
    // Entered now, it would not be the current consent: refuse rather than answer 201 for a record that changes nothing.
    throw new DomainError('PATIENT.CONSENT_OUT_OF_ORDER', `a later ${consentType} consent record is on file; it stays the current one`);
  }
  if (status === 'revoked' && !isGranted(current)) {
    throw new DomainError('PATIENT.CONSENT_NOT_GRANTED', `${consentType} consent is not granted`);
  }
  if (status === 'granted' && isGranted(current) && current?.formVersion === formVersion) {
    throw new DomainError(
      'PATIENT.CONSENT_ALREADY_GRANTED',
      `${consentType} consent is already granted on this form version`,
    );
  }
  return { consentType, formVersion, status, givenBy, recordedAt };
}

export const patientDecider: Decider<PatientCommand, PatientEvent, PatientState> = {
  decide: decidePatient,
  evolve: evolvePatient,
  initialState: initialPatientState,
};
