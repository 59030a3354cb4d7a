import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger, loadConfig, type Runtime, startRuntime } from '@ortholedger/platform';
import type { Logger } from 'pino';

/**
 * Commands start the runtime only when they need it (`--help` touches no database), and the CLI
 * stops it on exit. Migrations are applied at start like the servers do, except by `db migrate`
 * which reports them itself.
 */
@Injectable()
export class CliRuntime implements OnApplicationShutdown {
  private started: Promise<Runtime> | undefined;
  readonly logger: Logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);

  get(options: { migrate?: boolean } = {}): Promise<Runtime> {
    this.started ??= startRuntime(loadConfig(), options);
    return this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    const runtime = await this.started.catch(() => undefined);
    await runtime?.stop();
  }
}
