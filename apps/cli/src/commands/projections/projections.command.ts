import { Command, Option, SubCommand } from 'nest-commander';
import { catchUp, LockSession, lockName, type Projection, ProjectionHost, ProjectionRunner, projectionStatuses, rebuild } from '@ortholedger/read-models';
import { clientConfigOf } from '@ortholedger/event-store';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress, type Progress } from '../../output/progress';
import { projectionsContext } from './projections.context';
import { formatStatuses } from './status-table';
import { CommandGroup } from '../command-group';

@SubCommand({ name: 'list', description: 'the read models, their tables and projector versions' })
export class ProjectionsListCommand extends JsonCommand {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const ctx = await projectionsContext(this.cli);
    try {
      const list = ctx.projections.map((p) => ({ name: p.name, version: p.version, tables: p.tables, description: p.description }));
      print(!!options.json, list, () => list.map((p) => `${p.name.padEnd(18)} v${p.version}  ${p.tables.join(', ').padEnd(32)} ${p.description}`).join('\n'));
    } finally {
      await ctx.close();
    }
  }
}

@SubCommand({ name: 'status', description: 'position, lag (events and seconds), failures and rebuilds in progress' })
export class ProjectionsStatusCommand extends JsonCommand {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const ctx = await projectionsContext(this.cli);
    try {
      const statuses = await projectionStatuses(ctx.app, ctx.source, ctx.projections);
      print(!!options.json, statuses, () => formatStatuses(statuses));
      if (statuses.some((s) => s.state === 'stopped')) process.exitCode = 2;
    } finally {
      await ctx.close();
    }
  }
}

@SubCommand({
  name: 'rebuild',
  arguments: '[names...]',
  description: 'rebuild read models from the whole log into shadow tables, then swap them in (reads continue; resumable after a kill)',
})
export class ProjectionsRebuildCommand extends JsonCommand {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(names: string[], options: { json?: boolean; all?: boolean; restart?: boolean; batchSize?: number }): Promise<void> {
    const ctx = await projectionsContext(this.cli);
    let progress: Progress | undefined;
    try {
      const projections = ctx.select(names, !!options.all);
      const report = await rebuild({
        db: ctx.owner,
        pool: ctx.runtime.pools.owner,
        source: ctx.source,
        projections,
        restart: options.restart,
        batchSize: options.batchSize,
        log: this.cli.logger,
        onProgress: (p) => {
          progress ??= createProgress(`rebuild ${p.projections.join(',')}`, p.total, { json: options.json, start: p.resumedAt });
          progress.update(p.done, p.total);
        },
      });
      progress?.stop();
      // The speed of this run: events an interrupted run had already read are not counted.
      const rate = report.seconds > 0 ? Math.round(report.eventsThisRun / report.seconds) : report.eventsThisRun;
      const took = `in ${report.seconds.toFixed(1)} s (${rate}/s)`;
      print(!!options.json, { ...report, eventsPerSecond: rate }, () =>
        `rebuilt ${report.projections.join(', ')}: ` +
        (report.resumedAt > 0
          ? `${report.events} events; resumed ${report.resumed.join(', ')} at ${report.resumedAt}, ${report.eventsThisRun} events in this run ${took}`
          : `${report.events} events ${took}${report.resumed.length ? `, resumed ${report.resumed.join(', ')}` : ''}`) +
        '; swapped in',
      );
    } finally {
      progress?.stop();
      await ctx.close();
    }
  }

  @Option({ flags: '--all', description: 'every read model, in one pass over the log' })
  all(): boolean {
    return true;
  }

  @Option({ flags: '--restart', description: 'discard an interrupted rebuild instead of resuming it' })
  restart(): boolean {
    return true;
  }

  @Option({ flags: '--batch-size <n>', description: 'events per transaction (default 2000)' })
  batchSize(value: string): number {
    return integerIn('--batch-size', 1, 10_000, value);
  }
}

@SubCommand({ name: 'run', description: 'keep the live read models current (a projection worker); one active runner per projection across processes' })
export class ProjectionsRunCommand extends JsonCommand {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean; untilCaughtUp?: boolean }): Promise<void> {
    const ctx = await projectionsContext(this.cli, { serving: true });
    try {
      if (options.untilCaughtUp) {
        const session = new LockSession(clientConfigOf(ctx.runtime.pools.app));
        await session.connect();
        const held: Projection[] = [];
        for (const p of ctx.projections) if (await session.tryLock(lockName(p.name, 'live'))) held.push(p);
        const runner = new ProjectionRunner({ db: ctx.app, source: ctx.source, projections: held, target: 'live', log: this.cli.logger });
        await runner.init();
        await catchUp(runner, { log: this.cli.logger });
        await session.close();
        const failed = Object.fromEntries(runner.failures);
        print(!!options.json, { caughtUp: runner.active, failed, busyElsewhere: ctx.projections.filter((p) => !held.includes(p)).map((p) => p.name) }, () =>
          `caught up: ${runner.active.join(', ') || '(none)'}${Object.keys(failed).length ? `; stopped: ${Object.keys(failed).join(', ')}` : ''}`,
        );
        if (runner.failures.size > 0) process.exitCode = 2;
        return;
      }
      const host = new ProjectionHost({ pool: ctx.runtime.pools.app, db: ctx.app, source: ctx.source, projections: ctx.projections, log: this.cli.logger });
      host.start();
      process.stderr.write('projections: running; Ctrl-C to stop\n');
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await host.stop();
    } finally {
      await ctx.close();
    }
  }

  @Option({ flags: '--until-caught-up', description: 'apply what the log holds now, then exit' })
  untilCaughtUp(): boolean {
    return true;
  }
}

@Command({
  name: 'projections',
  description: 'read models: list, status and lag, rebuild into shadow tables and swap, run a projection worker',
  subCommands: [ProjectionsListCommand, ProjectionsStatusCommand, ProjectionsRebuildCommand, ProjectionsRunCommand],
})
export class ProjectionsCommand extends CommandGroup {}

/** Providers to add to CliModule. */
export const projectionsCommands = [ProjectionsCommand, ProjectionsListCommand, ProjectionsStatusCommand, ProjectionsRebuildCommand, ProjectionsRunCommand];
