/** A patient's clinic and whether one user is on their care team. */
export interface PatientFactsAnswer {
  readonly clinicId?: string;
  readonly onCareTeam: boolean;
}

export interface PatientFactsQuery {
  readonly patientId: string;
  readonly userId: string;
}

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
  patientFacts?(patientId: string, userId: string): Promise<PatientFactsAnswer>;
  /**
   * Optional: the facts of many (valid UUID) pairs in one statement, in order. An element is
   * undefined when this statement cannot settle it (e.g. a projection behind that patient); the
   * caller then asks `patientFacts` for that pair alone. Concurrent requests share these
   * statements through `CoalescedCareTeamDirectory`.
   */
  patientFactsMany?(queries: readonly PatientFactsQuery[]): Promise<ReadonlyArray<PatientFactsAnswer | undefined>>;
  /**
   * Optional: every pair answered with the guarantees of `patientFacts` (current, or an error), for
   * a list page at once: pairs waiting on a lagging source wait together, not one poller each.
   */
  patientFactsAll?(queries: readonly PatientFactsQuery[]): Promise<ReadonlyArray<PatientFactsAnswer>>;
}

/** DI token; bind another implementation with `AccessModule.forRoot({ careTeam })`. */
export const CARE_TEAM_DIRECTORY = Symbol('CARE_TEAM_DIRECTORY');
