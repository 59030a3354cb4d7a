import { CommandFactory } from 'nest-commander';
import { ConfigError } from '@ortholedger/platform';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    cliName: 'ortholedger',
    logger: ['error'],
    errorHandler: (error) => {
      // commander's own exits (help, version, unknown command) carry an exitCode.
      const code = (error as { exitCode?: number }).exitCode;
      if (code !== undefined) process.exit(code);
      report(error);
    },
    serviceErrorHandler: (error) => report(error),
  });
}

/** Our error codes (PROJECTION.REBUILD_RUNNING, ACCESS.INVALID_USER): dotted upper case. */
const CODE = /^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)+$/;

/**
 * One line on stderr, exit 1. An error that carries one of our codes leads with it, so scripts can
 * tell a busy rebuild from a bad argument; with --json the line is {"error": {code, message}}.
 */
function report(error: unknown): never {
  const code = errorCode(error);
  const message = !(error instanceof Error) ? String(error) : error instanceof ConfigError || code ? error.message : `${error.name}: ${error.message}`;
  if (process.argv.includes('--json')) process.stderr.write(`${JSON.stringify({ error: { code: code ?? null, message } })}\n`);
  else process.stderr.write(`error: ${code ? `${code}: ` : ''}${message}\n`);
  process.exit(1);
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && CODE.test(code) ? code : undefined;
}

main().catch(report);
