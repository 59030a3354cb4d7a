import { DomainError } from '../shared/domain-error';
import { isIsoDate, optional, optionalText, requireText } from '../shared/validation';
import type {
  ContactDetails,
  Demographics,
  DemographicsCorrection,
  Guardian,
  PersonName,
  PostalAddress,
} from './patient.commands';

/* Demographics guards: every message names the field only, never the value. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()\-.]{5,25}$/;
const COUNTRY = /^[A-Z]{2}$/;
const EARLIEST_BIRTH_DATE = '1900-01-01';

export function validateName(name: unknown, field = 'name'): PersonName {
  const value = (name ?? {}) as Partial<PersonName>;
  return { given: requireText(value.given, `${field}.given`), family: requireText(value.family, `${field}.family`) };
}

/** A birth date is a calendar date between 1900-01-01 and today (UTC) at the command's time. */
export function validateDateOfBirth(value: unknown, now: string): string {
  const today = now.slice(0, 10);
  if (!isIsoDate(value) || value < EARLIEST_BIRTH_DATE || value > today) {
    throw new DomainError(
      'VALIDATION.INVALID_DATE_OF_BIRTH',
      'dateOfBirth must be a YYYY-MM-DD date from 1900-01-01 up to today',
    );
  }
  return value;
}

function validateAddress(address: unknown, field: string): PostalAddress {
  const value = (address ?? {}) as Partial<PostalAddress>;
  if (!Array.isArray(value.lines) || value.lines.length === 0 || value.lines.length > 4) {
    throw new DomainError('VALIDATION.INVALID_ADDRESS', `${field}.lines must hold 1 to 4 lines`);
  }
  if (typeof value.country !== 'string' || !COUNTRY.test(value.country)) {
    throw new DomainError('VALIDATION.INVALID_ADDRESS', `${field}.country must be an ISO 3166-1 alpha-2 code`);
  }
  return {
    lines: value.lines.map((line, i) => requireText(line, `${field}.lines[${i}]`)),
    city: requireText(value.city, `${field}.city`),
    ...optional('region', optionalText(value.region, `${field}.region`)),
    ...optional('postalCode', optionalText(value.postalCode, `${field}.postalCode`, 20)),
    country: value.country,
  };
}

export function validateContact(contact: unknown, field = 'contact'): ContactDetails {
  const value = (contact ?? {}) as ContactDetails;
  if (
    value.email !== undefined &&
    (typeof value.email !== 'string' || value.email.length > 254 || !EMAIL.test(value.email))
  ) {
    throw new DomainError('VALIDATION.INVALID_EMAIL', `${field}.email is not an email address`);
  }
  if (
    value.phone !== undefined &&
    (typeof value.phone !== 'string' || !PHONE.test(value.phone) || value.phone.replace(/\D/g, '').length < 5)
  ) {
    throw new DomainError('VALIDATION.INVALID_PHONE', `${field}.phone is not a phone number`);
  }
  return {
    ...optional('email', value.email),
    ...optional('phone', value.phone),
    ...optional(
      'address',
      value.address === undefined ? undefined : validateAddress(value.address, `${field}.address`),
    ),
  };
}

export function validateGuardian(guardian: unknown): Guardian {
  const value = (guardian ?? {}) as Partial<Guardian>;
  return {
    name: validateName(value.name, 'guardian.name'),
    relationship: requireText(value.relationship, 'guardian.relationship', 50),
    ...optional(
      'contact',
      value.contact === undefined ? undefined : validateContact(value.contact, 'guardian.contact'),
    ),
  };
}

export function validateDemographics(data: Demographics, now: string): Demographics {
  return {
    name: validateName(data.name),
    dateOfBirth: validateDateOfBirth(data.dateOfBirth, now),
    contact: validateContact(data.contact),
    chartNumber: requireText(data.chartNumber, 'chartNumber', 64),
    ...optional('guardian', data.guardian === undefined ? undefined : validateGuardian(data.guardian)),
  };
}

const CORRECTABLE_FIELDS = ['name', 'dateOfBirth', 'contact', 'chartNumber', 'guardian'] as const;

/** At least one known field; each present field validated as at registration. */
export function validateCorrection(corrections: unknown, now: string): DemographicsCorrection {
  const value = (corrections ?? {}) as Record<string, unknown>;
  const fields = Object.keys(value).filter((key) => value[key] !== undefined);
  if (fields.length === 0) {
    throw new DomainError('VALIDATION.EMPTY_CORRECTION', 'a correction must change at least one field');
  }
  if (fields.some((key) => !(CORRECTABLE_FIELDS as readonly string[]).includes(key))) {
    // The key is never echoed: it is client text, and a name looks like a field name too (`MariaLopez`).
    throw new DomainError('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED', 'an unknown field cannot be corrected');
  }
  const { name, dateOfBirth, contact, chartNumber, guardian } = value;
  return {
    ...optional('name', name === undefined ? undefined : validateName(name)),
    ...optional('dateOfBirth', dateOfBirth === undefined ? undefined : validateDateOfBirth(dateOfBirth, now)),
    ...optional('contact', contact === undefined ? undefined : validateContact(contact)),
    ...optional('chartNumber', chartNumber === undefined ? undefined : requireText(chartNumber, 'chartNumber', 64)),
    ...optional('guardian', guardian === undefined ? undefined : guardian === null ? null : validateGuardian(guardian)),
  };
}
