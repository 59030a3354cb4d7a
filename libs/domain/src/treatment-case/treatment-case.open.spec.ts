import { caseCommand, ctxAs, ids, newBase, opened, specFor } from '../testing';
import type { OpenCase } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const ortho = ctxAs('orthodontist');

const open = (data: Partial<OpenCase['data']> = {}) =>
  caseCommand('OpenCase', {
    patientId: ids.patient,
    clinicId: ids.clinic,
    treatingOrthodontistId: ids.orthodontist,
    arches: 'both',
    chiefComplaint: 'Crooked front teeth',
    patientConsent: { treatment: true },
    ...data,
  });

const caseOpened = (data: Partial<OpenCase['data']> = {}) => {
  const { caseId: _c, entryId: _e, patientConsent: _p, ...rest } = open(data).data;
  return { type: 'CaseOpened' as const, data: { ...newBase, ...rest } };
};

describe('OpenCase', () => {
  it('opens a case for both arches when the patient consents to treatment', () => {
    given([]).when(open(), ortho).then([caseOpened()]);
  });

  it('opens a single-arch case without a chief complaint', () => {
    const { chiefComplaint: _omit, ...expected } = caseOpened({ arches: 'lower' }).data;
    given([])
      .when(open({ arches: 'lower', chiefComplaint: undefined }), ortho)
      .then([{ type: 'CaseOpened', data: expected }]);
  });

  it('lets a dentist open a case they treat', () => {
    given([])
      .when(open({ treatingOrthodontistId: ids.dentist }), ctxAs('dentist'))
      .then([caseOpened({ treatingOrthodontistId: ids.dentist })]);
  });

  describe('refuses', () => {
    it('a patient without treatment consent', () => {
      given([])
        .when(open({ patientConsent: { treatment: false } }), ortho)
        .thenThrows('TREATMENT_CASE.CONSENT_REQUIRED');
    });

    it('a command without a consent snapshot', () => {
      given([])
        .when(open({ patientConsent: undefined as never }), ortho)
        .thenThrows('TREATMENT_CASE.CONSENT_REQUIRED');
    });

    it('opening the same case twice', () => {
      given([opened()]).when(open(), ortho).thenThrows('TREATMENT_CASE.ALREADY_OPENED');
    });

    it('opening a case in a colleague’s name', () => {
      given([])
        .when(open({ treatingOrthodontistId: ids.otherOrthodontist }), ortho)
        .thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
    });

    it.each(['clinic_staff', 'treatment_planner', 'case_coordinator', 'support'] as const)('a %s', (role) => {
      given([]).when(open(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('a doctor of another clinic', () => {
      given([])
        .when(open(), ctxAs('orthodontist', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });

    it('an unknown arch selection', () => {
      given([])
        .when(open({ arches: 'middle' as never }), ortho)
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it.each([['caseId'], ['patientId'], ['treatingOrthodontistId'], ['entryId']])('a malformed %s', (field) => {
      const command = open();
      given([])
        .when({ ...command, data: { ...command.data, [field]: 'x-1' } }, ortho)
        .thenThrows('VALIDATION.INVALID_ID');
    });

    it('an overlong chief complaint', () => {
      given([])
        .when(open({ chiefComplaint: 'x'.repeat(2001) }), ortho)
        .thenThrows('VALIDATION.TOO_LONG');
    });
  });
});
