import type { CommandContext } from '../shared/actor';
import { ROLES } from '../shared/actor';
import { foldEvents, type Decider, type Message } from '../shared/decider';
import { DomainError, type DomainErrorCode } from '../shared/domain-error';
import { isUuid } from '../shared/streams';
import { CARE_TEAM_ROLES, CONSENT_GIVERS, CONSENT_STATUSES, CONSENT_TYPES } from '../patient/patient.commands';
import {
  ARCH_SELECTIONS,
  CLINICAL_CONDITIONS,
  FITS,
  MALOCCLUSION_CLASSES,
  PLAN_SERIES,
  SCAN_KINDS,
} from '../treatment-case/treatment-case.commands';

/**
 * Specification helper in Emmett's style:
 *   given([events]).when(command, ctx).then([events])   or   .thenThrows('CODE')
 * `then` also checks the events survive a JSON round trip and fold without error;
 * `thenThrows` also checks the message echoes none of the command's free-text values (PHI).
 */
export function specFor<C extends Message, E extends Message, S>(decider: Decider<C, E, S>) {
  return (history: readonly E[]) => ({
    when: (command: C, ctx: CommandContext) => {
      const run = () => decider.decide(command, foldEvents(decider, history), ctx);
      return {
        then(expected: readonly E[]): E[] {
          const actual = run();
          expect(actual).toStrictEqual(expected);
          expect(JSON.parse(JSON.stringify(actual))).toStrictEqual(actual);
          foldEvents(decider, [...history, ...actual]);
          return actual;
        },
        thenThrows(code: DomainErrorCode): DomainError {
          let caught: unknown;
          try {
            const events = run();
            throw new Error(
              `expected ${code} but ${command.type} produced ${events.map((e) => e.type).join(', ') || 'no events'}`,
            );
          } catch (error) {
            caught = error;
          }
          if (!(caught instanceof DomainError)) throw caught;
          const error = caught as DomainError;
          expect(error.code).toBe(code);
          for (const value of freeText(command.data)) expect(error.message).not.toContain(value);
          return error;
        },
      };
    },
  });
}

const TOKENS = new Set<string>([
  ...ROLES,
  ...CARE_TEAM_ROLES,
  ...CONSENT_TYPES,
  ...CONSENT_STATUSES,
  ...CONSENT_GIVERS,
  ...ARCH_SELECTIONS,
  ...CLINICAL_CONDITIONS,
  ...FITS,
  ...MALOCCLUSION_CLASSES,
  ...PLAN_SERIES,
  ...SCAN_KINDS,
]);

/** String leaves a user typed: not ids, not enum values, not too short to matter. */
function freeText(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 4 && !isUuid(value) && !TOKENS.has(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(freeText);
  if (value && typeof value === 'object') return Object.values(value).flatMap(freeText);
  return [];
}
