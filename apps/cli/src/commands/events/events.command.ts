import { Command, SubCommand } from 'nest-commander';
import { positionToString, verifyStreams } from '@ortholedger/event-store';
import { createRawEventStore } from '@ortholedger/platform';
import { CliRuntime } from '../../cli-runtime.service';
import { JsonCommand } from '../../output/options';
import { fail, print } from '../../output/output';
import { CommandGroup } from '../command-group';

@SubCommand({ name: 'stats', description: 'streams, events and the head position of $all, from the configured event store (EVENT_STORE)' })
export class EventsStatsCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get();
    const store = createRawEventStore(runtime);
    try {
      const stats = await store.stats();
      const eventStore = runtime.config.eventStore;
      // EventStoreDB keeps no counters: its adapter counts a bounded backwards scan of $all.
      print(!!options.json, { ...stats, head: positionToString(stats.head), eventStore }, () =>
        `store:   ${eventStore}\nstreams: ${stats.streams}\nevents:  ${stats.events}\nhead:    ${positionToString(stats.head)}`,
      );
    } finally {
      await store.close();
    }
  }
}

@SubCommand({ name: 'verify', description: 'Postgres event store: check that every stream has contiguous revisions (exit 1 on the first bad stream)' })
export class EventsVerifyCommand extends JsonCommand {
  constructor(private readonly runtime: CliRuntime) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const runtime = await this.runtime.get();
    // The check reads the Postgres event tables; with another store they are not the log, and "ok" would vouch for nothing.
    if (runtime.config.eventStore !== 'postgres') {
      return fail(`events verify checks the Postgres event store; EVENT_STORE=${runtime.config.eventStore} keeps the log elsewhere, so nothing was checked`);
    }
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
