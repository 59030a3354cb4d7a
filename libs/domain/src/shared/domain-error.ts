/** How a refusal maps onto the API: 422 / 403 / 404 / 409 / 412. */
export type ErrorKind = 'validation' | 'forbidden' | 'not_found' | 'conflict' | 'precondition';

export const HTTP_STATUS_BY_ERROR_KIND: Readonly<Record<ErrorKind, number>> = {
  validation: 422,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 412,
};

/** Every code the domain can raise, with its kind. Codes are a public contract: never rename one. */
export const ERROR_KINDS = {
  'VALIDATION.INVALID_CONTEXT': 'validation',
  'VALIDATION.INVALID_ID': 'validation',
  'VALIDATION.ID_MISMATCH': 'validation',
  'VALIDATION.REQUIRED': 'validation',
  'VALIDATION.TOO_LONG': 'validation',
  'VALIDATION.INVALID_VALUE': 'validation',
  'VALIDATION.INVALID_TIMESTAMP': 'validation',
  'VALIDATION.INVALID_DATE_OF_BIRTH': 'validation',
  'VALIDATION.INVALID_EMAIL': 'validation',
  'VALIDATION.INVALID_PHONE': 'validation',
  'VALIDATION.INVALID_ADDRESS': 'validation',
  'VALIDATION.REASON_REQUIRED': 'validation',
  'VALIDATION.EMPTY_CORRECTION': 'validation',
  'VALIDATION.CORRECTION_FIELD_NOT_ALLOWED': 'validation',
  'VALIDATION.INVALID_TOOTH': 'validation',
  'VALIDATION.INVALID_IPR_CONTACT': 'validation',
  'VALIDATION.IPR_AMOUNT_OUT_OF_RANGE': 'validation',
  'VALIDATION.DUPLICATE_IPR': 'validation',
  'VALIDATION.DUPLICATE_ATTACHMENT': 'validation',
  'VALIDATION.ARCH_NOT_TREATED': 'validation',
  'VALIDATION.STAGES_DO_NOT_MATCH_ARCHES': 'validation',
  'VALIDATION.STAGE_COUNT_OUT_OF_RANGE': 'validation',
  'VALIDATION.STAGE_OUT_OF_RANGE': 'validation',
  'VALIDATION.INVALID_STAGE_RANGE': 'validation',
  'VALIDATION.ALIGNER_COUNT_MISMATCH': 'validation',
  'VALIDATION.WEAR_SCHEDULE_OUT_OF_RANGE': 'validation',
  'VALIDATION.COMMENTS_REQUIRED': 'validation',
  'VALIDATION.INVALID_CONTENT_HASH': 'validation',
  'VALIDATION.INVALID_SIZE': 'validation',
  'VALIDATION.INVALID_MEASUREMENT': 'validation',

  'ACCESS.ROLE_NOT_ALLOWED': 'forbidden',
  'ACCESS.CLINIC_MISMATCH': 'forbidden',

  'PATIENT.NOT_REGISTERED': 'not_found',
  'PATIENT.ALREADY_REGISTERED': 'conflict',
  'PATIENT.ALREADY_ON_CARE_TEAM': 'conflict',
  'PATIENT.NOT_ON_CARE_TEAM': 'conflict',
  'PATIENT.LAST_CLINICIAN': 'conflict',
  'PATIENT.CARE_TEAM_NOT_VACANT': 'conflict',
  'PATIENT.CARE_TEAM_CLINICIAN_REQUIRED': 'validation',
  'PATIENT.SAME_CLINIC': 'conflict',
  'PATIENT.CONSENT_ALREADY_GRANTED': 'conflict',
  'PATIENT.CONSENT_NOT_GRANTED': 'conflict',
  'PATIENT.CONSENT_OUT_OF_ORDER': 'conflict',
  'PATIENT.GUARDIAN_NOT_RECORDED': 'precondition',

  'TREATMENT_CASE.NOT_OPENED': 'not_found',
  'TREATMENT_CASE.ALREADY_OPENED': 'conflict',
  'TREATMENT_CASE.CLOSED': 'conflict',
  'TREATMENT_CASE.NOT_TREATING_ORTHODONTIST': 'forbidden',
  'TREATMENT_CASE.CONSENT_REQUIRED': 'precondition',
  'TREATMENT_CASE.FINDINGS_REQUIRED': 'precondition',
  'TREATMENT_CASE.DUPLICATE_ENTRY': 'conflict',
  'TREATMENT_CASE.DUPLICATE_ID': 'conflict',
  'TREATMENT_CASE.NOT_ALLOWED_IN_STATUS': 'conflict',
  'TREATMENT_CASE.PLAN_VERSION_NOT_NEXT': 'conflict',
  'TREATMENT_CASE.PLAN_SERIES_MISMATCH': 'conflict',
  'TREATMENT_CASE.PLAN_NOT_PROPOSED': 'precondition',
  'TREATMENT_CASE.PLAN_NOT_FOUND': 'not_found',
  'TREATMENT_CASE.PLAN_NOT_LATEST': 'conflict',
  'TREATMENT_CASE.PLAN_ALREADY_DECIDED': 'conflict',
  'TREATMENT_CASE.PLAN_NOT_APPROVED': 'precondition',
  'TREATMENT_CASE.ORDER_NOT_FOUND': 'not_found',
  'TREATMENT_CASE.ORDER_ALREADY_SHIPPED': 'conflict',
  'TREATMENT_CASE.ORDERS_UNSHIPPED': 'conflict',
  'TREATMENT_CASE.ORDER_VOID': 'conflict',
  'TREATMENT_CASE.NOT_IN_TREATMENT': 'precondition',
  'TREATMENT_CASE.ENTRY_NOT_FOUND': 'not_found',
  'TREATMENT_CASE.ENTRY_NOT_CORRECTABLE': 'conflict',
} as const satisfies Record<string, ErrorKind>;

export type DomainErrorCode = keyof typeof ERROR_KINDS;

/**
 * A refused command. The message names fields, ids, statuses and codes only — never
 * a value the user typed (names, notes, dates of birth are PHI).
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: ErrorKind;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.kind = ERROR_KINDS[code];
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
