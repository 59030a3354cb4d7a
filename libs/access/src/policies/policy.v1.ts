import type { Condition, PolicyDocument } from '../policy/policy.types';

/*
 * Access policy, version 2025-2 (2025-1 plus `patient.take_over`). Data, not code: deny by default, every grant listed here.
 * Changing a grant means a new version (the version is written into every audit row), a review,
 * and an update of the expected table in test/access/policy-matrix.
 *
 * Named networks and windows ('clinic', 'backoffice') are deployment parameters:
 * ACCESS_NETWORKS_<REALM> (CIDR list) and ACCESS_HOURS_<REALM> ('mon-fri 07:00-19:00 Europe/Berlin').
 * The realm's network is also enforced for every request by the network gate, before this policy
 * (and before sign-in); the `ip_allowlist` conditions below stay as the policy's own statement of it.
 * The treating-orthodontist rule for approvals lives in the domain (it needs the case's state).
 */
const clinic: readonly Condition[] = [
  { type: 'mfa' },
  { type: 'ip_allowlist', network: 'clinic' },
  { type: 'time_window', window: 'clinic' },
  { type: 'same_clinic' },
];
const clinicCareTeam: readonly Condition[] = [...clinic, { type: 'care_team' }];
const backoffice: readonly Condition[] = [
  { type: 'mfa' },
  { type: 'ip_allowlist', network: 'backoffice' },
  { type: 'time_window', window: 'backoffice' },
];
// Planner assignment is care-team membership of the case's patient (assigned by a coordinator).
const assignedPlanner: readonly Condition[] = [...backoffice, { type: 'care_team' }];
// Emergencies do not respect office hours; the network still applies.
const breakGlass: readonly Condition[] = [{ type: 'mfa' }, { type: 'ip_allowlist', network: 'backoffice' }, { type: 'break_glass' }];

const CLINICAL_CASE_ACTIONS = [
  'open', 'read', 'read_clinical', 'record_findings', 'attach_scan', 'approve_plan', 'request_revision',
  'order', 'record_progress', 'complete', 'cancel', 'correct',
] as const;

export const POLICY_V1: PolicyDocument = {
  version: '2025-2',
  rules: [
    { id: 'clinic.patient.register', roles: ['orthodontist', 'dentist', 'clinic_staff'], resource: 'patient', actions: ['register'], conditions: clinic },
    {
      id: 'ortho.patient.own',
      roles: ['orthodontist'],
      resource: 'patient',
      actions: ['read_demographics', 'correct', 'manage_care_team', 'record_consent', 'transfer'],
      conditions: clinicCareTeam,
    },
    { id: 'ortho.case.own', roles: ['orthodontist'], resource: 'case', actions: CLINICAL_CASE_ACTIONS, conditions: clinicCareTeam },
    {
      id: 'dentist.patient.own',
      roles: ['dentist'],
      resource: 'patient',
      actions: ['read_demographics', 'correct', 'manage_care_team', 'record_consent'],
      conditions: clinicCareTeam,
    },
    { id: 'dentist.case.own', roles: ['dentist'], resource: 'case', actions: CLINICAL_CASE_ACTIONS, conditions: clinicCareTeam },
    // Joining a care team left without an active clinician (the handler refuses it otherwise): clinic, not care team.
    { id: 'clinician.patient.take_over', roles: ['orthodontist', 'dentist'], resource: 'patient', actions: ['take_over'], conditions: clinic },
    {
      id: 'staff.patient.clinic',
      roles: ['clinic_staff'],
      resource: 'patient',
      actions: ['read_demographics', 'correct', 'record_consent'],
      conditions: clinic,
    },
    // Workflow status and uploading records; no clinical content, no approvals.
    { id: 'staff.case.clinic', roles: ['clinic_staff'], resource: 'case', actions: ['read', 'attach_scan'], conditions: clinic },

    { id: 'coordinator.case.workflow', roles: ['case_coordinator'], resource: 'case', actions: ['read', 'assign_planner'], conditions: backoffice },
    { id: 'planner.case.assigned', roles: ['treatment_planner'], resource: 'case', actions: ['read', 'read_clinical'], conditions: assignedPlanner },
    { id: 'planner.plan.propose', roles: ['treatment_planner'], resource: 'treatment_plan', actions: ['propose'], conditions: assignedPlanner },
    { id: 'support.users', roles: ['support'], resource: 'users', actions: ['manage'], conditions: backoffice },
    { id: 'compliance.audit', roles: ['compliance_officer'], resource: 'audit', actions: ['read'], conditions: backoffice },
    { id: 'compliance.consent', roles: ['compliance_officer'], resource: 'consent_report', actions: ['read'], conditions: backoffice },
    { id: 'admin.keys', roles: ['platform_admin'], resource: 'keys', actions: ['manage'], conditions: backoffice },
    { id: 'admin.projections', roles: ['platform_admin'], resource: 'projections', actions: ['manage'], conditions: backoffice },

    { id: 'breakglass.patient.read', roles: ['case_coordinator', 'treatment_planner'], resource: 'patient', actions: ['read_demographics'], conditions: breakGlass },
    { id: 'breakglass.case.read', roles: ['case_coordinator', 'treatment_planner'], resource: 'case', actions: ['read_clinical'], conditions: breakGlass },
  ],
};

