import { userInfo } from 'node:os';
import { type Actor, CLI_ACTOR } from '@ortholedger/access';

/** The operating-system account that ran the command, as audit rows may hold it ('unknown' without a passwd entry, as in some containers). */
export function operatingSystemUser(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60) || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Audit rows of CLI changes name the operating-system account that ran them. */
export const cliActor = (): Actor => ({ ...CLI_ACTOR, purpose: `cli:${operatingSystemUser()}` });
