import type { Realm, Role } from '../realm';

export type SessionEndReason =
  | 'logout'
  | 'idle_timeout'
  | 'absolute_timeout'
  | 'password_changed'
  | 'mfa_reset'
  | 'user_disabled'
  | 'role_changed'
  | 'refresh_reuse'
  | 'password_reset';

/** A session that passed every check for this request. */
export interface LiveSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly realm: Realm;
  readonly role: Role;
  readonly clinicId?: string;
  readonly mfa: boolean;
  readonly passwordMustChange: boolean;
  readonly absoluteExpiresAt: Date;
  readonly breakGlass?: { readonly until: Date; readonly reason: string; readonly ticket: string };
}
