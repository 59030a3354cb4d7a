/**
 * Who is on a patient's care team, and which clinic holds the patient. The source of truth is the
 * event log (patient care-team events); the projections work replaces the interim table behind
 * this interface with a read model. Implementations must answer from committed data only.
 */
export interface CareTeamDirectory {
  isOnCareTeam(patientId: string, userId: string): Promise<boolean>;
  /** Undefined when the patient is unknown (or erased): every patient-scoped check then denies. */
  patientClinic(patientId: string): Promise<string | undefined>;
  /** Optional: both answers in one round trip (the policy asks for both on most clinical routes). */
  patientFacts?(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }>;
}

/** DI token; bind another implementation with `AccessModule.forRoot({ careTeam })`. */
export const CARE_TEAM_DIRECTORY = Symbol('CARE_TEAM_DIRECTORY');
