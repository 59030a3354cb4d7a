import type { EventStoreDBClient } from '@eventstore/db-client';
import { encodeMetadata } from './eventstoredb-mapping';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/** What the adapter asks the client for on a stream read (no server needed: the client is a recorder). */
describe('EventStoreDB stream reads', () => {
  const event = {
    streamId: 'patient-1',
    id: 'aa2d5d1c-6c7e-4b7e-9c1a-2b3c4d5e6f70',
    revision: 4n,
    type: 'CareTeamMemberRemoved',
    created: new Date(0),
    isJson: false,
    data: new Uint8Array([1]),
    metadata: encodeMetadata({}, 'application/octet-stream'),
    position: { commit: 90n, prepare: 90n },
  };
  function recorder() {
    const calls: Array<{ stream: string; options: Record<string, unknown> }> = [];
    const client = {
      readStream(stream: string, options: Record<string, unknown>) {
        calls.push({ stream, options });
        return (async function* () {
          yield { event };
        })();
      },
    } as unknown as EventStoreDBClient;
    return { calls, store: new EventStoreDbEventStore({ client }) };
  }

  it('fromLeader asks for the leader (requiresLeader), so an access decision never reads a lagging follower', async () => {
    const { calls, store } = recorder();
    const [newest] = await store.readStream('patient-1', { direction: 'backwards', maxCount: 1, fromLeader: true });
    expect(newest.position).toEqual({ commit: 90n, prepare: 90n });
    expect(calls[0].stream).toBe('patient-1');
    expect(calls[0].options).toMatchObject({ maxCount: 1, requiresLeader: true });
  });

  it('other reads leave the node preference to the connection', async () => {
    const { calls, store } = recorder();
    await store.readStream('patient-1', { maxCount: 1 });
    expect(calls[0].options).not.toHaveProperty('requiresLeader');
  });
});
