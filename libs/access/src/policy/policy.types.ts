import type { Realm, Role } from '../realm';

/** Every (resource, action) a route may ask about. Adding one here without a rule means: denied. */
export const RESOURCE_ACTIONS = {
  patient: ['register', 'read_demographics', 'correct', 'manage_care_team', 'record_consent', 'transfer', 'take_over'],
  case: [
    'open', 'read', 'read_clinical', 'record_findings', 'attach_scan', 'approve_plan', 'request_revision',
    'order', 'record_progress', 'complete', 'cancel', 'correct', 'assign_planner',
  ],
  treatment_plan: ['propose'],
  audit: ['read'],
  consent_report: ['read'],
  keys: ['manage'],
  projections: ['manage'],
  users: ['manage'],
} as const;

export type Resource = keyof typeof RESOURCE_ACTIONS;
export type Action<R extends Resource = Resource> = (typeof RESOURCE_ACTIONS)[R][number];
export const RESOURCES = Object.keys(RESOURCE_ACTIONS) as Resource[];

/** Resources whose every action touches one patient's data: their audit rows carry the patient. */
export const PATIENT_RESOURCES: readonly Resource[] = ['patient', 'case', 'treatment_plan'];

export type Condition =
  | { readonly type: 'mfa' }
  | { readonly type: 'same_clinic' }
  | { readonly type: 'care_team' }
  /** A named window from the deployment's parameters (ACCESS_HOURS_<NAME>). */
  | { readonly type: 'time_window'; readonly window: string }
  /** A named network list from the deployment's parameters (ACCESS_NETWORKS_<NAME>). */
  | { readonly type: 'ip_allowlist'; readonly network: string }
  /** Only inside an active, time-boxed break-glass grant of the session. */
  | { readonly type: 'break_glass' };

export type ConditionType = Condition['type'];

export interface PolicyRule {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly resource: Resource;
  readonly actions: readonly string[];
  /** All must hold. */
  readonly conditions: readonly Condition[];
}

export interface PolicyDocument {
  readonly version: string;
  readonly rules: readonly PolicyRule[];
}

export interface PolicyParameters {
  readonly networks: Readonly<Record<string, readonly string[]>>;
  /** Undefined window: any time. */
  readonly windows: Readonly<Record<string, import('./time-window').TimeWindow | undefined>>;
}

/** Who asks: built from a verified token and the live session, never from request input. */
export interface AccessSubject {
  readonly userId: string;
  readonly realm: Realm;
  readonly role: Role;
  readonly clinicId?: string;
  readonly sessionId: string;
  readonly mfa: boolean;
  readonly breakGlass?: { readonly until: Date; readonly reason: string; readonly ticket: string };
}

export interface ResourceRef {
  readonly type: Resource;
  /** The id recorded in the audit row (UUID), e.g. the case id. */
  readonly id?: string;
  /** The patient whose data this is; drives care-team and clinic checks. */
  readonly patientId?: string;
  /** For actions without a patient yet (register): the target clinic; defaults to the subject's. */
  readonly clinicId?: string;
}

export interface AccessContext {
  readonly at: Date;
  readonly ip?: string;
}

export type DenyReason =
  | 'no_rule'
  | 'mfa_required'
  | 'clinic_mismatch'
  | 'not_on_care_team'
  | 'unknown_patient'
  | 'outside_time_window'
  | 'ip_not_allowed'
  | 'break_glass_required'
  | 'password_change_required';

export interface AccessDecision {
  readonly allowed: boolean;
  readonly policyVersion: string;
  readonly ruleId?: string;
  readonly reason?: DenyReason;
  /** Granted only through an emergency rule: audit rows are flagged. */
  readonly breakGlass: boolean;
}

/**
 * What a query must restrict itself to, as a disjunction of scopes. `[]` = nothing, `[{}]` =
 * everything; `{ clinicId }` = that clinic's patients; `{ careTeamMember }` = patients whose care
 * team includes that user. Apply it in SQL or in memory BEFORE limits and paging.
 */
export interface QueryScope {
  readonly clinicId?: string;
  readonly careTeamMember?: string;
}

export interface QueryFilter {
  readonly allowed: boolean;
  readonly scopes: readonly QueryScope[];
  readonly breakGlass: boolean;
  readonly policyVersion: string;
}
