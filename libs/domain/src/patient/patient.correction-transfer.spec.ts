import { foldEvents } from '../shared/decider';
import {
  careTeamAssigned,
  consentCommand,
  consentRecorded,
  ctxAs,
  guardianSample,
  ids,
  NOW,
  registered,
  specFor,
} from '../testing';
import type { CorrectDemographics, TransferPatient } from './patient.commands';
import { patientDecider } from './patient.decider';
import type { PatientEvent } from './patient.events';
import { hasActiveConsent } from './patient.state';
import { summarizePatientEvent } from './patient.summary';

const given = specFor(patientDecider);
const staff = ctxAs('clinic_staff');
const base = { patientId: ids.patient, occurredAt: NOW };
const REASON = 'Typo at intake desk';

const correct = (corrections: CorrectDemographics['data']['corrections'], reason = REASON): CorrectDemographics => ({
  type: 'CorrectDemographics',
  data: { patientId: ids.patient, corrections, reason },
});
const receiving = [{ userId: ids.otherOrthodontist, role: 'orthodontist' as const }];
const transfer = (toClinicId: string, reason = 'Family moved to Leeds', careTeam: TransferPatient['data']['careTeam'] = receiving): TransferPatient => ({
  type: 'TransferPatient',
  data: { patientId: ids.patient, toClinicId, reason, careTeam },
});

describe('CorrectDemographics', () => {
  it('records the corrected fields and the reason', () => {
    given([registered()])
      .when(correct({ name: { given: 'Adeline', family: 'Lovelace' }, dateOfBirth: '2011-05-18' }), staff)
      .then([
        {
          type: 'PatientDemographicsCorrected',
          data: {
            ...base,
            corrections: { name: { given: 'Adeline', family: 'Lovelace' }, dateOfBirth: '2011-05-18' },
            reason: REASON,
          },
        },
      ]);
  });

  it('removes a guardian recorded in error, after which guardian consent is refused', () => {
    const events = given([registered()])
      .when(correct({ guardian: null }), staff)
      .then([
        { type: 'PatientDemographicsCorrected', data: { ...base, corrections: { guardian: null }, reason: REASON } },
      ]);
    given([registered(), ...events])
      .when(consentCommand(), staff)
      .thenThrows('PATIENT.GUARDIAN_NOT_RECORDED');
  });

  it('adds a guardian, after which guardian consent is accepted', () => {
    const events = given([registered({ guardian: undefined })])
      .when(correct({ guardian: guardianSample }), staff)
      .then([
        {
          type: 'PatientDemographicsCorrected',
          data: { ...base, corrections: { guardian: guardianSample }, reason: REASON },
        },
      ]);
    given([registered({ guardian: undefined }), ...events])
      .when(consentCommand(), staff)
      .then([consentRecorded()]);
  });

  describe('refuses', () => {
    it('a correction without a reason', () => {
      given([registered()])
        .when(correct({ chartNumber: 'CHART-00418' }, '  '), staff)
        .thenThrows('VALIDATION.REASON_REQUIRED');
    });

    it('a correction without fields', () => {
      given([registered()]).when(correct({}), staff).thenThrows('VALIDATION.EMPTY_CORRECTION');
      given([registered()])
        .when(correct({ chartNumber: undefined }), staff)
        .thenThrows('VALIDATION.EMPTY_CORRECTION');
    });

    it('a field that is not demographics', () => {
      given([registered()])
        .when(correct({ clinicId: ids.otherClinic } as never), staff)
        .thenThrows('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED');
    });

    it('an unknown field is not named, even one shaped like a field name: the key is client text', () => {
      const error = given([registered()])
        .when(correct({ MariaLopez: 'x' } as never), staff)
        .thenThrows('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED');
      expect(error.message).toBe('an unknown field cannot be corrected');
    });

    it('a corrected value that would not pass registration', () => {
      given([registered()])
        .when(correct({ dateOfBirth: '2026-01-01' }), staff)
        .thenThrows('VALIDATION.INVALID_DATE_OF_BIRTH');
      given([registered()])
        .when(correct({ contact: { email: 'nope' } }), staff)
        .thenThrows('VALIDATION.INVALID_EMAIL');
    });

    it('an unregistered patient', () => {
      given([])
        .when(correct({ chartNumber: 'CHART-00418' }), staff)
        .thenThrows('PATIENT.NOT_REGISTERED');
    });

    it('staff of another clinic', () => {
      given([registered()])
        .when(correct({ chartNumber: 'CHART-00418' }), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });

    it('support staff', () => {
      given([registered()])
        .when(correct({ chartNumber: 'CHART-00418' }), ctxAs('support'))
        .thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });
  });
});

describe('TransferPatient', () => {
  const transferred: PatientEvent = {
    type: 'PatientTransferred',
    data: { ...base, fromClinicId: ids.clinic, toClinicId: ids.otherClinic, reason: 'Family moved to Leeds' },
  };

  const received: PatientEvent = { type: 'CareTeamMemberAssigned', data: { ...base, userId: ids.otherOrthodontist, role: 'orthodontist' } };

  it('moves the patient to another clinic: the former care team goes, the receiving one takes over, consents stay', () => {
    const history = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), consentRecorded()];
    given(history).when(transfer(ids.otherClinic), staff).then([transferred, received]);
    const state = foldEvents(patientDecider, [...history, transferred, received]);
    expect(state).toMatchObject({ status: 'active', clinicId: ids.otherClinic, careTeam: { [ids.otherOrthodontist]: 'orthodontist' } });
    expect(hasActiveConsent(state, 'treatment')).toBe(true);
  });

  it('hands the patient to the new clinic: the old one is refused, the new one may act', () => {
    const history = [registered(), transferred];
    given(history).when(transfer(ids.clinic), staff).thenThrows('ACCESS.CLINIC_MISMATCH');
    given(history)
      .when(transfer(ids.clinic, 'Moved back', [{ userId: ids.orthodontist, role: 'orthodontist' }, { userId: ids.staff, role: 'clinic_staff' }]), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
      .then([
        {
          type: 'PatientTransferred',
          data: { ...base, fromClinicId: ids.otherClinic, toClinicId: ids.clinic, reason: 'Moved back' },
        },
        { type: 'CareTeamMemberAssigned', data: { ...base, userId: ids.orthodontist, role: 'orthodontist' } },
        { type: 'CareTeamMemberAssigned', data: { ...base, userId: ids.staff, role: 'clinic_staff' } },
      ]);
  });

  describe('refuses', () => {
    it('a transfer to the same clinic', () => {
      given([registered()]).when(transfer(ids.clinic), staff).thenThrows('PATIENT.SAME_CLINIC');
    });

    it('a transfer without a reason', () => {
      given([registered()]).when(transfer(ids.otherClinic, ''), staff).thenThrows('VALIDATION.REASON_REQUIRED');
    });

    it('a malformed clinic id', () => {
      given([registered()]).when(transfer('clinic-2'), staff).thenThrows('VALIDATION.INVALID_ID');
    });

    it('an unregistered patient', () => {
      given([]).when(transfer(ids.otherClinic), staff).thenThrows('PATIENT.NOT_REGISTERED');
    });

    it('a transfer without a receiving orthodontist or dentist (the patient would have nobody to treat them)', () => {
      given([registered()]).when(transfer(ids.otherClinic, 'Moved', []), staff).thenThrows('PATIENT.CARE_TEAM_CLINICIAN_REQUIRED');
      given([registered()]).when(transfer(ids.otherClinic, 'Moved', [{ userId: ids.staff, role: 'clinic_staff' }]), staff).thenThrows('PATIENT.CARE_TEAM_CLINICIAN_REQUIRED');
      given([registered()]).when(transfer(ids.otherClinic, 'Moved', [receiving[0], receiving[0]]), staff).thenThrows('VALIDATION.INVALID_VALUE');
      given([registered()]).when(transfer(ids.otherClinic, 'Moved', [{ userId: 'someone', role: 'orthodontist' }]), staff).thenThrows('VALIDATION.INVALID_ID');
    });

    it('the back office', () => {
      given([registered()])
        .when(transfer(ids.otherClinic), ctxAs('platform_admin'))
        .thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });
  });
});

describe('summarizePatientEvent', () => {
  it('describes every event without PHI', () => {
    const events: PatientEvent[] = [
      registered(),
      {
        type: 'PatientDemographicsCorrected',
        data: {
          ...base,
          corrections: { name: { given: 'Adeline', family: 'Lovelace' }, guardian: null },
          reason: REASON,
        },
      },
      careTeamAssigned(ids.dentist, 'dentist'),
      { type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.dentist } },
      consentRecorded(),
      {
        type: 'PatientTransferred',
        data: { ...base, fromClinicId: ids.clinic, toClinicId: ids.otherClinic, reason: 'Family moved to Leeds' },
      },
    ];
    const summaries = events.map(summarizePatientEvent);
    expect(summaries).toEqual([
      { kind: 'patient_registered', clinicId: ids.clinic, withGuardian: true },
      { kind: 'demographics_corrected', fields: ['guardian', 'name'] },
      { kind: 'care_team_member_assigned', userId: ids.dentist, role: 'dentist' },
      { kind: 'care_team_member_removed', userId: ids.dentist },
      { kind: 'consent_recorded', consentType: 'treatment', status: 'granted', formVersion: 'TX-2025.1' },
      { kind: 'patient_transferred', fromClinicId: ids.clinic, toClinicId: ids.otherClinic },
    ]);
    const text = JSON.stringify(summaries);
    for (const phi of [
      'Lovelace',
      'Adeline',
      '2011-05-17',
      'example.org',
      'CHART-00417',
      'Hopperfield',
      'Leeds',
      REASON,
    ]) {
      expect(text).not.toContain(phi);
    }
  });
});
