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

function report(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

main().catch(report);
