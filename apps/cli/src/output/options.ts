import { CommandRunner, Option } from 'nest-commander';

/** Base of every command that offers `--json`: one JSON document on stdout instead of human lines (see print()). */
export abstract class JsonCommand extends CommandRunner {
  @Option({ flags: '--json', description: 'machine-readable output' })
  json(): boolean {
    return true;
  }
}

/** An integer option within [min, max]; anything else stops the command before it does any work. */
export function integerIn(flag: string, min: number, max: number, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer from ${min} to ${max}`);
  return n;
}
