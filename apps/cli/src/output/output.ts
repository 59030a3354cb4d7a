/** CLI output: human lines on stdout, or one JSON document with --json; errors on stderr. */
export function print(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

export function fail(message: string, code = 1): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = code;
}
