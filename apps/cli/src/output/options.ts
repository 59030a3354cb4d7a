import { CommandRunner, Option } from 'nest-commander';

/** Base of every command that offers `--json`: one JSON document on stdout instead of human lines (see print()). */
export abstract class JsonCommand extends CommandRunner {
  @Option({ flags: '--json', description: 'machine-readable output' })
  json(): boolean {
    return true;
  }
}

/**
 * An integer option within [min, max], written in decimal digits; anything else (`0x10`, `1e3`,
 * ` 7`, `3.0`, `-0`) stops the command before it does any work, rather than being read as JavaScript reads numbers.
 */
export function integerIn(flag: string, min: number, max: number, value: string): number {
  const n = /^(0|-?[1-9]\d{0,15})$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer from ${min} to ${max}`);
  return n;
}
