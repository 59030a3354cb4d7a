import { CommandFactory } from 'nest-commander';
import { ConfigError } from '@ortholedger/platform';
import { CliModule } from './cli.module';
import { writeError } from './output/output';

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

/** One error line on stderr (writeError), exit 1. */
function report(error: unknown): never {
  const code = errorCode(error);
  writeError(code, !(error instanceof Error) ? String(error) : error instanceof ConfigError || code ? error.message : `${error.name}: ${error.message}`);
  process.exit(1);
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && CODE.test(code) ? code : undefined;
}

main().catch(report);
