import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { assertServingConfig, createLogger, loadConfig, logLevelOf, type Runtime, startRuntime } from '@ortholedger/platform';
import type { Logger } from 'pino';

/**
 * Commands start the runtime only when they need it (`--help` touches no database), and the CLI
 * stops it on exit. Migrations are applied at start like the servers do, except by `db migrate`
 * which reports them itself. A serving command (`serve`) has its configuration checked for
 * serving (assertServingConfig) before anything connects or migrates.
 */
@Injectable()
export class CliRuntime implements OnApplicationShutdown {
  private started: Promise<Runtime> | undefined;
  private log: Logger | undefined;

  /** Built on first use, so a bad LOG_LEVEL is reported as a configuration error by the command that logs (never at `--help`). */
  get logger(): Logger {
    this.log ??= createLogger(logLevelOf(process.env, 'warn'), process.stderr as never);
    return this.log;
  }

  get(options: { migrate?: boolean; serving?: boolean } = {}): Promise<Runtime> {
    this.started ??= (async () => {
      const config = loadConfig();
      if (options.serving) assertServingConfig(config);
      return startRuntime(config, { migrate: options.migrate });
    })();
    return this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    const runtime = await this.started.catch(() => undefined);
    await runtime?.stop();
  }
}
