import { assertNever } from './decider';
import { patientDecider } from '../patient/patient.decider';
import { history, registered } from '../testing';
import { EVENT_SCHEMAS, eventTypesOf, isDomainEventType } from './event-schemas';
import { ERROR_KINDS, HTTP_STATUS_BY_ERROR_KIND } from './domain-error';

describe('event schema registry', () => {
  it('lists every patient and case event type once, each with a version', () => {
    expect(eventTypesOf('patient')).toHaveLength(6);
    expect(eventTypesOf('treatment_case')).toHaveLength(13);
    for (const schema of Object.values(EVENT_SCHEMAS)) expect(schema.schemaVersion).toBeGreaterThanOrEqual(1);
  });

  it('recognises the types that fixtures and deciders produce', () => {
    const events = [registered(), ...history.completed()];
    for (const event of events) expect(isDomainEventType(event.type)).toBe(true);
    expect(isDomainEventType('PatientErased')).toBe(false);
    expect(isDomainEventType('toString')).toBe(false);
    expect(patientDecider.initialState()).toEqual({ status: 'unregistered' });
  });
});

describe('error codes', () => {
  it('map every code to a kind with an HTTP status and prefix codes by area', () => {
    for (const [code, kind] of Object.entries(ERROR_KINDS)) {
      expect(code).toMatch(/^(VALIDATION|ACCESS|PATIENT|TREATMENT_CASE)\.[A-Z_]+$/);
      expect(HTTP_STATUS_BY_ERROR_KIND[kind]).toBeDefined();
      if (code.startsWith('VALIDATION.')) expect(kind).toBe('validation');
    }
  });
});

describe('exhaustiveness guard', () => {
  it('names the unexpected type but never dumps event data', () => {
    const stray = { type: 'PatientErased', data: { name: 'Adaline Lovelace' } };
    expect(() => assertNever(stray as never, 'patient event')).toThrow('unexpected patient event: PatientErased');
    expect(() => assertNever({ data: { name: 'Adaline Lovelace' } } as never)).toThrow(/\(unlabelled\)$/);
  });
});
