export { BACK_OFFICE_ROLES, CLINIC_ROLES, ROLES, isClinicRole, isRole } from './actor';
export type { Actor, BackOfficeRole, ClinicRole, CommandContext, Role } from './actor';
export * from './decider';
export * from './domain-error';
export * from './event-schemas';
export * from './streams';
export * from './tooth';
export { isIsoDate, isIsoTimestamp } from './validation';
