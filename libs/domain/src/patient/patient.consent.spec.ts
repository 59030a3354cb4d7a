import { foldEvents } from '../shared/decider';
import { consentCommand, consentRecorded, ctxAs, ids, registered, specFor } from '../testing';
import { patientDecider } from './patient.decider';
import { hasActiveConsent } from './patient.state';

const given = specFor(patientDecider);
const staff = ctxAs('clinic_staff');
const revoked = { status: 'revoked', recordedAt: '2025-03-01T09:30:00.000Z' } as const;

describe('RecordConsent', () => {
  it('records a consent granted by the guardian', () => {
    given([registered()]).when(consentCommand(), staff).then([consentRecorded()]);
  });

  it.each(['treatment', 'data_processing', 'research'] as const)(
    'records %s consent given by the patient',
    (consentType) => {
      given([registered()])
        .when(consentCommand({ consentType, givenBy: 'patient' }), staff)
        .then([consentRecorded({ consentType, givenBy: 'patient' })]);
    },
  );

  it('revokes a granted consent', () => {
    given([registered(), consentRecorded()])
      .when(consentCommand(revoked), staff)
      .then([consentRecorded(revoked)]);
  });

  it('grants again on a newer form version', () => {
    given([registered(), consentRecorded()])
      .when(consentCommand({ formVersion: 'TX-2025.2' }), staff)
      .then([consentRecorded({ formVersion: 'TX-2025.2' })]);
  });

  it('grants again after a revocation', () => {
    const regranted = { recordedAt: '2025-03-01T09:45:00.000Z' };
    given([registered(), consentRecorded(), consentRecorded(revoked)])
      .when(consentCommand(regranted), staff)
      .then([consentRecorded(regranted)]);
  });

  it('records a consent given at the same instant as the current one (the later entry is current)', () => {
    given([registered(), consentRecorded()])
      .when(consentCommand(revoked), staff)
      .then([consentRecorded(revoked)]);
    const sameInstant = { status: 'revoked', recordedAt: '2025-02-28T09:00:00.000Z' } as const;
    given([registered(), consentRecorded()]).when(consentCommand(sameInstant), staff).then([consentRecorded(sameInstant)]);
  });

  it('accepts a consent recorded exactly now', () => {
    const recordedAt = '2025-03-01T10:00:00.000Z';
    given([registered()])
      .when(consentCommand({ recordedAt }), staff)
      .then([consentRecorded({ recordedAt })]);
  });

  describe('refuses', () => {
    it('revoking a consent never granted', () => {
      given([registered()]).when(consentCommand(revoked), staff).thenThrows('PATIENT.CONSENT_NOT_GRANTED');
    });

    it('revoking a consent already revoked', () => {
      given([registered(), consentRecorded(), consentRecorded(revoked)])
        .when(consentCommand(revoked), staff)
        .thenThrows('PATIENT.CONSENT_NOT_GRANTED');
    });

    it('a record given before the current one, entered later (a paper grant dated before a revocation on file)', () => {
      const olderGrant = { formVersion: 'TX-2025.2', recordedAt: '2025-02-20T09:00:00.000Z' };
      given([registered(), consentRecorded(), consentRecorded(revoked)])
        .when(consentCommand(olderGrant), staff)
        .thenThrows('PATIENT.CONSENT_OUT_OF_ORDER');
      // Nor can an old revocation, entered late, undo a newer grant.
      given([registered(), consentRecorded({ recordedAt: '2025-03-01T08:00:00.000Z' })])
        .when(consentCommand({ status: 'revoked', recordedAt: '2025-02-01T08:00:00.000Z' }), staff)
        .thenThrows('PATIENT.CONSENT_OUT_OF_ORDER');
    });

    it('revoking one type when only another is granted', () => {
      given([registered(), consentRecorded()])
        .when(consentCommand({ ...revoked, consentType: 'research' }), staff)
        .thenThrows('PATIENT.CONSENT_NOT_GRANTED');
    });

    it('granting the same form version twice', () => {
      given([registered(), consentRecorded()])
        .when(consentCommand(), staff)
        .thenThrows('PATIENT.CONSENT_ALREADY_GRANTED');
    });

    it('consent by a guardian when none is on record', () => {
      given([registered({ guardian: undefined })])
        .when(consentCommand(), staff)
        .thenThrows('PATIENT.GUARDIAN_NOT_RECORDED');
    });

    it('a consent recorded in the future', () => {
      given([registered()])
        .when(consentCommand({ recordedAt: '2025-03-01T10:00:01.000Z' }), staff)
        .thenThrows('VALIDATION.INVALID_TIMESTAMP');
    });

    it('a recordedAt that is not a timestamp', () => {
      given([registered()])
        .when(consentCommand({ recordedAt: '2025-02-28' }), staff)
        .thenThrows('VALIDATION.INVALID_TIMESTAMP');
    });

    it.each([
      ['consentType', { consentType: 'marketing' }],
      ['status', { status: 'pending' }],
      ['givenBy', { givenBy: 'neighbour' }],
    ])('an unknown %s', (_field, data) => {
      given([registered()])
        .when(consentCommand(data as never), staff)
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it('a missing form version', () => {
      given([registered()])
        .when(consentCommand({ formVersion: ' ' }), staff)
        .thenThrows('VALIDATION.REQUIRED');
    });

    it('an unregistered patient', () => {
      given([]).when(consentCommand(), staff).thenThrows('PATIENT.NOT_REGISTERED');
    });

    it.each(['treatment_planner', 'compliance_officer', 'platform_admin'] as const)('a back-office %s', (role) => {
      given([registered()]).when(consentCommand(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('staff of another clinic', () => {
      given([registered()])
        .when(consentCommand(), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });
  });
});

describe('hasActiveConsent', () => {
  it('follows the latest record per consent type', () => {
    const granted = foldEvents(patientDecider, [registered(), consentRecorded()]);
    expect(hasActiveConsent(granted, 'treatment')).toBe(true);
    expect(hasActiveConsent(granted, 'data_processing')).toBe(false);
    const withdrawn = foldEvents(patientDecider, [registered(), consentRecorded(), consentRecorded(revoked)]);
    expect(hasActiveConsent(withdrawn, 'treatment')).toBe(false);
    expect(hasActiveConsent(patientDecider.initialState(), 'treatment')).toBe(false);
  });

  it('is decided by the time consent was given, not by entry order (streams written before the order check)', () => {
    const lateEnteredOldGrant = foldEvents(patientDecider, [registered(), consentRecorded(), consentRecorded(revoked), consentRecorded({ formVersion: 'TX-2025.2', recordedAt: '2025-02-20T09:00:00.000Z' })]);
    expect(hasActiveConsent(lateEnteredOldGrant, 'treatment')).toBe(false);
    const lateEnteredOldRevocation = foldEvents(patientDecider, [registered(), consentRecorded({ recordedAt: '2025-03-01T08:00:00.000Z' }), consentRecorded({ status: 'revoked', recordedAt: '2025-02-01T08:00:00.000Z' })]);
    expect(hasActiveConsent(lateEnteredOldRevocation, 'treatment')).toBe(true);
    // Times compare as instants, whatever their offset.
    const offsets = foldEvents(patientDecider, [registered(), consentRecorded({ recordedAt: '2025-03-01T10:00:00.000+02:00' }), consentRecorded({ status: 'revoked', recordedAt: '2025-03-01T08:30:00.000Z' })]);
    expect(hasActiveConsent(offsets, 'treatment')).toBe(false);
  });
});

describe('consent given by a guardian whose record is removed', () => {
  const corrected = (guardian: unknown) => ({
    type: 'PatientDemographicsCorrected' as const,
    data: { patientId: ids.patient, occurredAt: '2025-03-01T10:00:00.000Z', corrections: { guardian } as never, reason: 'Guardian recorded in error' },
  });
  const byPatient = consentRecorded({ consentType: 'data_processing', givenBy: 'patient' });

  it('lapses: treatment consent is no longer active, the patient\'s own consents stay', () => {
    const state = foldEvents(patientDecider, [registered(), consentRecorded(), byPatient, corrected(null)]);
    expect(hasActiveConsent(state, 'treatment')).toBe(false);
    expect(hasActiveConsent(state, 'data_processing')).toBe(true);
  });

  it('stays with a corrected guardian record (the state cannot tell a corrected name from another person: record a new consent then)', () => {
    const state = foldEvents(patientDecider, [registered(), consentRecorded(), corrected({ name: { given: 'Ann', family: 'Other' }, relationship: 'aunt' })]);
    expect(hasActiveConsent(state, 'treatment')).toBe(true);
  });

  it('cannot be revoked (it is not granted any more), and a new consent on the same form may be recorded', () => {
    const history = [registered(), consentRecorded(), corrected(null)];
    given(history).when(consentCommand({ status: 'revoked', givenBy: 'patient', recordedAt: '2025-02-28T10:00:00.000Z' }), staff).thenThrows('PATIENT.CONSENT_NOT_GRANTED');
    const regranted = given(history)
      .when(consentCommand({ givenBy: 'patient', recordedAt: '2025-02-28T10:00:00.000Z' }), staff)
      .then([consentRecorded({ givenBy: 'patient', recordedAt: '2025-02-28T10:00:00.000Z' })]);
    expect(hasActiveConsent(foldEvents(patientDecider, [...history, ...regranted]), 'treatment')).toBe(true);
  });
});
