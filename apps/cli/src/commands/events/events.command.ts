import { Command, SubCommand } from 'nest-commander';
import { PostgresEventStore, positionToString, verifyStreams } from '@ortholedger/event-store';
import { CliRuntime } from '../../cli-runtime.service';
import { JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { CommandGroup } from '../command-group';

@SubCommand({ name: 'stats', description: 'streams, events and the head position of $all' })
export class EventsStatsCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get();
    const store = new PostgresEventStore({ pool: runtime.pools.app });
    try {
      const stats = await store.stats();
      print(!!options.json, { ...stats, head: positionToString(stats.head) }, () =>
        `streams: ${stats.streams}\nevents:  ${stats.events}\nhead:    ${positionToString(stats.head)}`,
      );
    } finally {
      await store.close();
    }
  }
}

@SubCommand({ name: 'verify', description: 'check that every stream has contiguous revisions (exit 1 on the first bad stream)' })
export class EventsVerifyCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get();
    const result = await verifyStreams(runtime.pools.owner);
    print(!!options.json, result, () =>
      result.ok
        ? `ok: ${result.streamsChecked} streams, ${result.eventsChecked} events, revisions contiguous`
        : `FAILED: stream ${result.firstBadStream}: ${result.problem}`,
    );
    if (!result.ok) process.exitCode = 1;
  }
}

@Command({ name: 'events', description: 'inspect and verify the event log', subCommands: [EventsStatsCommand, EventsVerifyCommand] })
export class EventsCommand extends CommandGroup {}
