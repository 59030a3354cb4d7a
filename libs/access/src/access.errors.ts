/**
 * Errors of the access layer. `code` is a public contract; `kind` tells the platform's error filter
 * which status to use. Messages never contain identifiers typed by a user, tokens or PHI.
 */
export type AccessErrorKind = 'unauthenticated' | 'forbidden' | 'too_many' | 'unavailable' | 'conflict' | 'bad_request' | 'not_found' | 'validation';

export const ACCESS_ERRORS = {
  'AUTH.UNAUTHENTICATED': ['unauthenticated', 'Authentication required'],
  'AUTH.INVALID_CREDENTIALS': ['unauthenticated', 'Invalid credentials'],
  'AUTH.INVALID_MFA': ['unauthenticated', 'Invalid or expired second factor'],
  'AUTH.SESSION_ENDED': ['unauthenticated', 'Session ended; sign in again'],
  'AUTH.TOO_MANY_ATTEMPTS': ['too_many', 'Too many attempts; try again later'],
  'AUTH.MFA_ALREADY_ENROLLED': ['conflict', 'A second factor is already enrolled'],
  'AUTH.MFA_NOT_ENROLLED': ['conflict', 'Enrol a second factor first'],
  'AUTH.WEAK_PASSWORD': ['validation', 'The new password does not meet the policy'],
  'AUTH.PASSWORD_CHANGE_REQUIRED': ['forbidden', 'Change the one-time password first'],
  'AUTH.ONE_TIME_PASSWORD_EXPIRED': ['unauthenticated', 'The one-time password has expired; ask support for a new one'],
  'ACCESS.DENIED': ['forbidden', 'Access denied'],
  'ACCESS.BREAK_GLASS_NOT_ALLOWED': ['forbidden', 'Break-glass access is not available for this role'],
  'ACCESS.USER_NOT_FOUND': ['not_found', 'User not found'],
  'ACCESS.INVALID_USER': ['validation', 'Invalid user definition'],
  'ACCESS.USER_EXISTS': ['conflict', 'A user with these details already exists'],
  'ACCESS.OTHER_FACTOR_PENDING': ['conflict', 'The other sign-in factor was reset and the user has not renewed it yet'],
  'ACCESS.DEMO_REFUSED': ['forbidden', 'Demo identities are refused in production'],
  'AUDIT.UNAVAILABLE': ['unavailable', 'The request could not be completed'],
  'AUTH.UNAVAILABLE': ['unavailable', 'The request could not be completed'],
} as const satisfies Record<string, readonly [AccessErrorKind, string]>;

export type AccessErrorCode = keyof typeof ACCESS_ERRORS;

export class AccessError extends Error {
  override readonly name = 'AccessError';
  readonly kind: AccessErrorKind;
  /** Shown to the caller: fixed per code so no detail leaks through error bodies. */
  readonly publicMessage: string;

  constructor(
    readonly code: AccessErrorCode,
    /** Internal detail (never shown, never PHI): why, for tests and debugging. */
    readonly detail?: string,
  ) {
    const [kind, message] = ACCESS_ERRORS[code];
    super(message);
    this.kind = kind;
    this.publicMessage = message;
  }
}

export const isAccessError = (error: unknown): error is AccessError => error instanceof AccessError;
