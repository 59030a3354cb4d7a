import type { CommandContext, Role } from '../shared/actor';

/** Deterministic, valid v4-shaped UUIDs for specs. */
export const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const NOW = '2025-03-01T10:00:00.000Z';

export const ids = {
  clinic: uuid(1),
  otherClinic: uuid(2),
  patient: uuid(10),
  case: uuid(20),
  orthodontist: uuid(100),
  otherOrthodontist: uuid(101),
  dentist: uuid(102),
  staff: uuid(103),
  planner: uuid(110),
  coordinator: uuid(111),
  support: uuid(112),
  compliance: uuid(113),
  admin: uuid(114),
} as const;

const USER_BY_ROLE: Record<Role, string> = {
  orthodontist: ids.orthodontist,
  dentist: ids.dentist,
  clinic_staff: ids.staff,
  treatment_planner: ids.planner,
  case_coordinator: ids.coordinator,
  support: ids.support,
  compliance_officer: ids.compliance,
  platform_admin: ids.admin,
};

const CLINIC_REALM: readonly Role[] = ['orthodontist', 'dentist', 'clinic_staff'];

/** A context for the default user of a role; clinic roles belong to `ids.clinic` unless overridden. */
export function ctxAs(
  role: Role,
  overrides: { userId?: string; clinicId?: string; now?: string } = {},
): CommandContext {
  const clinicId = overrides.clinicId ?? (CLINIC_REALM.includes(role) ? ids.clinic : undefined);
  return {
    actor: { userId: overrides.userId ?? USER_BY_ROLE[role], role, ...(clinicId ? { clinicId } : {}) },
    now: overrides.now ?? NOW,
  };
}
