import type { RecordConsent, RegisterPatient } from '../patient/patient.commands';
import type { ConsentRecorded, PatientEvent, PatientRegistered } from '../patient/patient.events';
import { ids, NOW } from './fixtures';

/* PHI-looking sample values are deliberately distinctive so leak checks can spot them. */

export const guardianSample = {
  name: { given: 'Grace', family: 'Hopperfield' },
  relationship: 'mother',
  contact: { phone: '+44 20 7946 0958' },
};

export const registerCommand = (overrides: Partial<RegisterPatient['data']> = {}): RegisterPatient => ({
  type: 'RegisterPatient',
  data: {
    patientId: ids.patient,
    clinicId: ids.clinic,
    name: { given: 'Adaline', family: 'Lovelace' },
    dateOfBirth: '2011-05-17',
    contact: {
      email: 'adaline.lovelace@example.org',
      phone: '+44 20 7946 0000',
      address: { lines: ['12 Analytical Row'], city: 'Marylebone', postalCode: 'NW1 6XE', country: 'GB' },
    },
    chartNumber: 'CHART-00417',
    guardian: guardianSample,
    ...overrides,
  },
});

export const registered = (overrides: Partial<PatientRegistered['data']> = {}): PatientRegistered => {
  const { patientId, clinicId, ...demographics } = registerCommand().data;
  return {
    type: 'PatientRegistered',
    data: { patientId, occurredAt: NOW, clinicId, registeredBy: ids.staff, ...demographics, ...overrides },
  };
};

export const consentCommand = (overrides: Partial<RecordConsent['data']> = {}): RecordConsent => ({
  type: 'RecordConsent',
  data: {
    patientId: ids.patient,
    consentType: 'treatment',
    formVersion: 'TX-2025.1',
    status: 'granted',
    givenBy: 'guardian',
    recordedAt: '2025-02-28T09:00:00.000Z',
    ...overrides,
  },
});

export const consentRecorded = (overrides: Partial<ConsentRecorded['data']> = {}): ConsentRecorded => {
  const { patientId, ...rest } = consentCommand().data;
  return { type: 'ConsentRecorded', data: { patientId, occurredAt: NOW, ...rest, ...overrides } };
};

export const careTeamAssigned = (userId: string, role: 'orthodontist' | 'dentist' | 'clinic_staff'): PatientEvent => ({
  type: 'CareTeamMemberAssigned',
  data: { patientId: ids.patient, occurredAt: NOW, userId, role },
});
