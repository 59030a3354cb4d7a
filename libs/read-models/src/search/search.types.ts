/** One patient as the search index holds it (decrypted, in memory only). */
export interface IndexedPatient {
  readonly patientId: string;
  readonly clinicId: string;
  readonly careTeam: readonly string[];
  readonly name: { readonly given: string; readonly family: string };
  /** YYYY-MM-DD */
  readonly dateOfBirth: string;
  readonly chartNumber: string;
}

export interface PatientQuery {
  /** Name prefix or whole words, typo-tolerant; accent- and case-insensitive. */
  readonly name?: string;
  /** YYYY-MM-DD, YYYY-MM or YYYY. */
  readonly dateOfBirth?: string;
  readonly chartNumber?: string;
  readonly offset?: number;
  readonly limit?: number;
}

/**
 * Who may be returned: a disjunction of scopes, as the access policy's QueryFilter gives it
 * (`{}` = everyone, `{clinicId}` = that clinic's patients, `{careTeamMember}` = that user's patients).
 */
export interface SearchScope {
  readonly clinicId?: string;
  readonly careTeamMember?: string;
}

export interface SearchHit {
  readonly patientId: string;
  /** Lower is better: 0 exact, 1 prefix, 2-3 typo, summed over query words. */
  readonly score: number;
}

export interface SearchPage {
  readonly hits: readonly SearchHit[];
  /** Matches the caller may see, before paging. */
  readonly total: number;
}

export class SearchQueryInvalid extends Error {
  readonly code = 'SEARCH.INVALID_QUERY';
  readonly kind = 'bad_request';
  constructor(message: string) {
    super(message);
    this.name = 'SearchQueryInvalid';
  }
}
