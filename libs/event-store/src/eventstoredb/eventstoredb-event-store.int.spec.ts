import { Console } from 'node:console';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { eventStoreContract } from '../testing/event-store.contract';

// No EventStoreDB server runs on CI; the suite runs wherever one is configured (see infra/README.md).
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
if (!connectionString) {
  // A console on the real stdout: jest swallows buffered console output of fully skipped files.
  new Console({ stdout: process.stdout, stderr: process.stderr }).log('EventStoreDbEventStore contract skipped: EVENTSTORE_CONNECTION_STRING is not set (see infra/README.md)');
}

(connectionString ? describe : describe.skip)('EventStoreDbEventStore contract', () => {
  let store: EventStoreDbEventStore;
  const maxEventBytes = 64 * 1024;

  beforeAll(() => {
    store = new EventStoreDbEventStore({ connectionString, maxEventBytes });
  });
  afterAll(async () => {
    await store?.close();
  });

  eventStoreContract(() => ({ store, maxEventBytes }));
});
