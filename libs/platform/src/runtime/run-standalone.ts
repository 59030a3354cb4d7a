import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { type AppConfig, assertServingConfig, ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../logging/logger';
import { type Runtime, startRuntime } from './runtime';

/**
 * Runs one API alone (one process per API in production): config, database, migrations (or, with
 * the app login alone, the check that none is pending), listen;
 * SIGTERM/SIGINT close the app and then the database.
 */
export function runStandalone(
  name: string,
  create: (runtime: Runtime, logger: Logger) => Promise<NestFastifyApplication>,
  port: (config: AppConfig) => number,
): void {
  const main = async () => {
    const config = loadConfig();
    assertServingConfig(config); // before anything connects or migrates
    const logger = createLogger(config.logLevel);
    const runtime = await startRuntime(config);
    const app = await create(runtime, logger);
    await app.listen({ port: port(config), host: config.host });
    logger.info({ port: port(config) }, `${name} listening`);
    const stop = async () => {
      await app.close();
      await runtime.stop();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  };
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
