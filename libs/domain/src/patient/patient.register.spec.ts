import { ctxAs, ids, NOW, registerCommand, registered, specFor } from '../testing';
import type { RegisterPatient } from './patient.commands';
import { patientDecider } from './patient.decider';

const given = specFor(patientDecider);
const staff = ctxAs('clinic_staff');
const register = (data: Partial<RegisterPatient['data']>) => registerCommand(data);

describe('RegisterPatient', () => {
  it('registers a patient with a guardian', () => {
    given([]).when(registerCommand(), staff).then([registered()]);
  });

  it('registers an adult with minimal contact details and no guardian', () => {
    const command = register({ guardian: undefined, contact: {}, dateOfBirth: '1980-01-31' });
    const { guardian: _guardian, ...expected } = registered({ contact: {}, dateOfBirth: '1980-01-31' }).data;
    given([])
      .when(command, staff)
      .then([{ type: 'PatientRegistered', data: expected }]);
  });

  it.each(['orthodontist', 'dentist', 'clinic_staff'] as const)('lets a %s register', (role) => {
    given([])
      .when(registerCommand(), ctxAs(role))
      .then([registered({ registeredBy: ctxAs(role).actor.userId })]);
  });

  it('trims names and chart numbers', () => {
    const command = register({ name: { given: '  Adaline ', family: 'Lovelace  ' }, chartNumber: ' CHART-00417 ' });
    given([]).when(command, staff).then([registered()]);
  });

  it('accepts a birth date of today and of 1900-01-01', () => {
    given([])
      .when(register({ dateOfBirth: NOW.slice(0, 10) }), staff)
      .then([registered({ dateOfBirth: '2025-03-01' })]);
    given([])
      .when(register({ dateOfBirth: '1900-01-01' }), staff)
      .then([registered({ dateOfBirth: '1900-01-01' })]);
  });

  describe('refuses', () => {
    it('registering the same patient twice', () => {
      given([registered()]).when(registerCommand(), staff).thenThrows('PATIENT.ALREADY_REGISTERED');
    });

    it.each(['treatment_planner', 'case_coordinator', 'support', 'compliance_officer', 'platform_admin'] as const)(
      'a back-office %s',
      (role) => {
        given([]).when(registerCommand(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
      },
    );

    it('registering into another clinic', () => {
      given([])
        .when(registerCommand(), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });

    it('a context without a valid time', () => {
      given([])
        .when(registerCommand(), ctxAs('clinic_staff', { now: 'soon' }))
        .thenThrows('VALIDATION.INVALID_CONTEXT');
    });

    it.each([
      ['patientId', { patientId: 'P-1' }],
      ['clinicId', { clinicId: 'clinic-1' }],
    ])('a malformed %s', (_field, data) => {
      given([]).when(register(data), staff).thenThrows('VALIDATION.INVALID_ID');
    });

    it.each([
      ['an empty family name', { name: { given: 'Adaline', family: '  ' } }],
      ['a missing given name', { name: { family: 'Lovelace' } as never }],
      ['an empty chart number', { chartNumber: '' }],
    ])('%s', (_label, data) => {
      given([]).when(register(data), staff).thenThrows('VALIDATION.REQUIRED');
    });

    it('an overlong chart number', () => {
      given([])
        .when(register({ chartNumber: 'C'.repeat(65) }), staff)
        .thenThrows('VALIDATION.TOO_LONG');
    });

    it.each([
      ['in the future', '2025-03-02'],
      ['before 1900', '1899-12-31'],
      ['not a calendar date', '2011-02-30'],
      ['in another format', '17/05/2011'],
      ['a timestamp', '2011-05-17T00:00:00Z'],
    ])('a birth date %s', (_label, dateOfBirth) => {
      given([]).when(register({ dateOfBirth }), staff).thenThrows('VALIDATION.INVALID_DATE_OF_BIRTH');
    });

    it.each([
      ['VALIDATION.INVALID_EMAIL', { email: 'adaline.lovelace-at-example' }],
      ['VALIDATION.INVALID_PHONE', { phone: 'call me maybe' }],
      ['VALIDATION.INVALID_PHONE', { phone: '+1 (2)' }],
      [
        'VALIDATION.INVALID_ADDRESS',
        { address: { lines: ['12 Analytical Row'], city: 'Marylebone', country: 'Britain' } },
      ],
      ['VALIDATION.INVALID_ADDRESS', { address: { lines: [], city: 'Marylebone', country: 'GB' } }],
      ['VALIDATION.REQUIRED', { address: { lines: ['12 Analytical Row'], city: '', country: 'GB' } }],
    ] as const)('contact details failing with %s', (code, contact) => {
      given([])
        .when(register({ contact: contact as never }), staff)
        .thenThrows(code);
    });

    it('a guardian without a relationship', () => {
      const guardian = { name: { given: 'Grace', family: 'Hopperfield' }, relationship: '' };
      given([]).when(register({ guardian }), staff).thenThrows('VALIDATION.REQUIRED');
    });

    it('a guardian with an invalid email', () => {
      const guardian = {
        name: { given: 'Grace', family: 'Hopperfield' },
        relationship: 'mother',
        contact: { email: 'grace@' },
      };
      given([]).when(register({ guardian }), staff).thenThrows('VALIDATION.INVALID_EMAIL');
    });
  });
});
