/**
 * Realms and roles of DOMAIN.md. Kept here (not imported from the domain lib) so the access lib
 * stays usable by the CLI and apps without the domain; the lists must match libs/domain's actor.ts.
 */
export const REALMS = ['clinic', 'backoffice'] as const;
export type Realm = (typeof REALMS)[number];

export const CLINIC_ROLES = ['orthodontist', 'dentist', 'clinic_staff'] as const;
export const BACKOFFICE_ROLES = ['case_coordinator', 'treatment_planner', 'support', 'compliance_officer', 'platform_admin'] as const;
export const ALL_ROLES = [...CLINIC_ROLES, ...BACKOFFICE_ROLES] as const;

export type ClinicRole = (typeof CLINIC_ROLES)[number];
export type BackofficeRole = (typeof BACKOFFICE_ROLES)[number];
export type Role = ClinicRole | BackofficeRole;

export const ROLES_BY_REALM: Readonly<Record<Realm, readonly Role[]>> = {
  clinic: CLINIC_ROLES,
  backoffice: BACKOFFICE_ROLES,
};

export const isRealm = (value: unknown): value is Realm => typeof value === 'string' && (REALMS as readonly string[]).includes(value);
export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
export const roleBelongsTo = (role: Role, realm: Realm): boolean => ROLES_BY_REALM[realm].includes(role);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Ids are random UUIDs everywhere; anything else is never looked up, logged or audited. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
