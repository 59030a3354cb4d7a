import { Command, CommandRunner } from 'nest-commander';
import { createIdentityServices, formatDemoIdentities, seedDemoIdentities } from '@ortholedger/access';
import { createLogger } from '@ortholedger/platform';
import { createClinicApi } from '../../../../clinic-api/src/clinic-api.app';
import { createAdminApi } from '../../../../admin-api/src/admin-api.app';
import { CliRuntime } from '../../cli-runtime.service';
import { demoDataWanted } from './demo-data';

/**
 * `npm start`: both APIs in one process on the configured database (embedded by default),
 * migrations applied. Runs until SIGTERM/SIGINT, then closes the apps and the database.
 */
@Command({ name: 'serve', description: 'run the clinic and admin APIs (embedded Postgres unless DATABASE_URL is set)' })
export class ServeCommand extends CommandRunner {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(): Promise<void> {
    const runtime = await this.cli.get({ serving: true });
    const { config } = runtime;
    const logger = createLogger(config.logLevel);
    const { host } = config;
    // One app after the other: Nest's framework logger is process-wide and the last app's, so each
    // app starts (and logs its routes) before the next one is created.
    const clinic = await createClinicApi(runtime, logger);
    await clinic.listen({ port: config.clinicApiPort, host });
    const admin = await createAdminApi(runtime, logger);
    await admin.listen({ port: config.adminApiPort, host });
    if (demoDataWanted(runtime)) {
      // One-time passwords go to stdout only, never to the log.
      const identity = await createIdentityServices(runtime, { logger });
      process.stdout.write(`${formatDemoIdentities(await seedDemoIdentities(identity))}\n\n`);
    }
    process.stdout.write(
      `OrthoLedger is running\n` +
        `  clinic API: http://${host}:${config.clinicApiPort}\n` +
        `  admin API:  http://${host}:${config.adminApiPort}\n` +
        `  database:   ${runtime.embedded ? `embedded Postgres in ${config.dataDir}/postgres` : runtime.ownerLogin ? 'DATABASE_URL' : 'APP_DATABASE_URL (the application login alone)'}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    process.stdout.write('shutting down\n');
    await clinic.close();
    await admin.close();
  }
}
