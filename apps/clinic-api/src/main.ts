import { ConfigError, createLogger, loadConfig, startRuntime } from '@ortholedger/platform';
import { createClinicApi } from './clinic-api.app';

/** Runs the clinic API alone (one process per API in production). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config);
  const app = await createClinicApi(runtime, logger);
  await app.listen({ port: config.clinicApiPort, host: process.env.HOST ?? '127.0.0.1' });
  logger.info({ port: config.clinicApiPort }, 'clinic API listening');
  const stop = async () => {
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('start-up failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
