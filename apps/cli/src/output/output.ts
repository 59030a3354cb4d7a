/** CLI output: human lines on stdout, or one JSON document with --json; errors on stderr. */
export function print(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Refuses: one error line on stderr (see writeError), exit code 1. */
export function fail(message: string, errorCode?: string): void {
  writeError(errorCode, message);
  process.exitCode = 1;
}

/**
 * One line on stderr: `error: CODE: message` (an error that carries one of our codes leads with
 * it, so scripts can tell a busy rebuild from a bad argument), or with --json
 * `{"error": {"code": CODE or null, "message": ...}}`.
 */
export function writeError(code: string | undefined, message: string): void {
  if (process.argv.includes('--json')) process.stderr.write(`${JSON.stringify({ error: { code: code ?? null, message } })}\n`);
  else process.stderr.write(`error: ${code ? `${code}: ` : ''}${message}\n`);
}
