import { randomUUID } from 'node:crypto';
import { InvalidAppend, InvalidStreamName, EventTooLarge, StreamNotFound, WrongExpectedVersion } from '../event-store.errors';
import { comparePositions, type EventStore, type EventToAppend, type ExpectedRevision, type RecordedEvent, START } from '../event-store.port';

export interface ContractHarness {
  store: EventStore;
  /** Largest accepted data+metadata size the store was built with. */
  maxEventBytes: number;
}

export function event(type = 'TestEvent', body: unknown = { n: 1 }, eventId = randomUUID()): EventToAppend {
  return {
    eventId,
    type,
    data: new TextEncoder().encode(JSON.stringify(body)),
    metadata: { test: true },
    contentType: 'application/json',
  };
}

const stream = () => `test-${randomUUID()}`;

type StreamState = 'missing' | 'empty' | 'existing';
// existing streams hold 2 events (revisions 0 and 1).
const expectations: Record<StreamState, { mode: string; expected: ExpectedRevision; ok: boolean }[]> = {
  missing: [
    { mode: 'no_stream', expected: 'no_stream', ok: true },
    { mode: 'stream_exists', expected: 'stream_exists', ok: false },
    { mode: 'any', expected: 'any', ok: true },
    { mode: 'revision 1', expected: 1n, ok: false },
  ],
  empty: [
    { mode: 'no_stream', expected: 'no_stream', ok: true },
    { mode: 'stream_exists', expected: 'stream_exists', ok: false },
    { mode: 'any', expected: 'any', ok: true },
    { mode: 'revision 1', expected: 1n, ok: false },
  ],
  existing: [
    { mode: 'no_stream', expected: 'no_stream', ok: false },
    { mode: 'stream_exists', expected: 'stream_exists', ok: true },
    { mode: 'any', expected: 'any', ok: true },
    { mode: 'revision 1 (current)', expected: 1n, ok: true },
    { mode: 'revision 0 (stale)', expected: 0n, ok: false },
    { mode: 'revision 5 (ahead)', expected: 5n, ok: false },
  ],
};

/** The one contract every EventStore adapter passes (STYLE.md: one suite, every adapter). */
export function eventStoreContract(getHarness: () => ContractHarness): void {
  const store = () => getHarness().store;

  async function prepare(state: StreamState): Promise<string> {
    const s = stream();
    if (state === 'empty') await store().createStream(s);
    if (state === 'existing') await store().appendToStream(s, [event(), event()], { expectedRevision: 'no_stream' });
    return s;
  }

  describe('expected revision matrix', () => {
    for (const state of Object.keys(expectations) as StreamState[]) {
      for (const { mode, expected, ok } of expectations[state]) {
        it(`${mode} on a ${state} stream ${ok ? 'appends' : 'is refused'}`, async () => {
          const s = await prepare(state);
          const before = state === 'existing' ? 2 : 0;
          const attempt = store().appendToStream(s, [event()], { expectedRevision: expected });
          if (ok) {
            const result = await attempt;
            expect(result.nextExpectedRevision).toBe(BigInt(before));
            expect(result.appended).toBe(1);
          } else {
            await expect(attempt).rejects.toBeInstanceOf(WrongExpectedVersion);
          }
          const count = await store().readStream(s).then((e) => e.length, (e) => (e instanceof StreamNotFound ? 0 : Promise.reject(e)));
          expect(count).toBe(before + (ok ? 1 : 0));
        });
      }
    }

    it('WrongExpectedVersion reports expected and actual', async () => {
      const s = await prepare('existing');
      const error = await store().appendToStream(s, [event()], { expectedRevision: 0n }).catch((e) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersion);
      expect(error.expected).toBe(0n);
      expect(error.actual).toBe(1n);
      expect(error.code).toBe('EVENT_STORE.WRONG_EXPECTED_VERSION');
    });
  });

  describe('idempotent append', () => {
    it('re-appending the same ids with the exact revision adds nothing and returns the same result', async () => {
      const s = stream();
      const batch = [event(), event(), event()];
      const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
      const again = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
      expect(again.appended).toBe(0);
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(comparePositions(again.position, first.position)).toBe(0);
      expect(await store().readStream(s)).toHaveLength(3);
    });

    it('re-appending with any adds nothing', async () => {
      const s = stream();
      await store().appendToStream(s, [event()], { expectedRevision: 'no_stream' });
      const batch = [event(), event()];
      await store().appendToStream(s, batch, { expectedRevision: 0n });
      const again = await store().appendToStream(s, batch, { expectedRevision: 'any' });
      expect(again.appended).toBe(0);
      expect(again.nextExpectedRevision).toBe(2n);
      expect(await store().readStream(s)).toHaveLength(3);
    });

    it('a batch that only partly overlaps is a concurrency error and adds nothing', async () => {
      const s = stream();
      const a = event();
      const b = event();
      await store().appendToStream(s, [a, b], { expectedRevision: 'no_stream' });
      await expect(store().appendToStream(s, [b, event()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      await expect(store().appendToStream(s, [a, event()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('the same id in another stream is refused', async () => {
      const a = event();
      await store().appendToStream(stream(), [a], { expectedRevision: 'no_stream' });
      const other = stream();
      await expect(store().appendToStream(other, [a], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      await expect(store().readStream(other)).rejects.toBeInstanceOf(StreamNotFound);
    });
  });

  describe('reading a stream', () => {
    it('reads forwards, backwards, from a revision, with a limit', async () => {
      const s = stream();
      const batch = Array.from({ length: 10 }, (_, i) => event('Numbered', { i }));
      await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
      const forwards = await store().readStream(s);
      expect(forwards.map((e) => e.revision)).toEqual([...Array(10).keys()].map(BigInt));
      expect(forwards.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      expect(JSON.parse(new TextDecoder().decode(forwards[3].data))).toEqual({ i: 3 });
      expect(forwards[0].metadata).toEqual({ test: true });
      const backwards = await store().readStream(s, { direction: 'backwards', maxCount: 3 });
      expect(backwards.map((e) => e.revision)).toEqual([9n, 8n, 7n]);
      const middle = await store().readStream(s, { fromRevision: 4n, maxCount: 2 });
      expect(middle.map((e) => e.revision)).toEqual([4n, 5n]);
      const back = await store().readStream(s, { direction: 'backwards', fromRevision: 2n });
      expect(back.map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      expect(await store().readStream(s, { fromRevision: 10n })).toEqual([]);
    });

    it('the newest event read backwards carries the position $all gives it (the care-team directory relies on it)', async () => {
      const s = stream();
      await store().appendToStream(s, [event('First', {}), event('Second', {})], { expectedRevision: 'no_stream' });
      const [newest] = await store().readStream(s, { direction: 'backwards', maxCount: 1, fromLeader: true });
      expect(newest.revision).toBe(1n);
      const [first] = await store().readStream(s, { maxCount: 1 });
      expect(comparePositions(first.position, newest.position)).toBe(-1);
      // $all right after the stream's first event (exclusive) must hold the newest one at the same position;
      // it may show the commit a moment later than the stream does (Postgres waits for older in-flight transactions).
      let inAll: RecordedEvent | undefined;
      for (const deadline = Date.now() + 10_000; !inAll && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        inAll = (await store().readAll({ fromPosition: first.position, maxCount: 1000 })).find((e) => e.eventId === newest.eventId);
      }
      expect(inAll).toBeDefined();
      expect(comparePositions(newest.position, inAll!.position)).toBe(0);
    });

    it('a missing or empty stream is StreamNotFound', async () => {
      await expect(store().readStream(stream())).rejects.toBeInstanceOf(StreamNotFound);
      const empty = await prepare('empty');
      await expect(store().readStream(empty)).rejects.toBeInstanceOf(StreamNotFound);
    });
  });

  describe('$all', () => {
    it('returns appends in commit order, each once, resumable from any position', async () => {
      const head = (await store().stats()).head;
      const streams = [stream(), stream(), stream()];
      const written: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (const s of streams) {
          const batch = [event('Round', { round }), event('Round', { round })];
          await store().appendToStream(s, batch, { expectedRevision: 'any' });
          written.push(...batch.map((e) => e.eventId));
        }
      }
      // `$all` shows a transaction only once every older one on the server has finished, so a
      // reader polls until it has caught up rather than stopping at the first empty page.
      const seen = [];
      let from = head;
      const deadline = Date.now() + 20_000;
      while (seen.filter((e) => written.includes(e.eventId)).length < written.length && Date.now() < deadline) {
        const page = await store().readAll({ fromPosition: from, maxCount: 5 });
        if (page.length === 0) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        seen.push(...page);
        from = page[page.length - 1].position;
      }
      const ours = seen.filter((e) => written.includes(e.eventId));
      expect(ours.map((e) => e.eventId)).toEqual(written);
      for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1].position, seen[i].position)).toBe(-1);
    });

    it('a subscription catches up and then follows live appends', async () => {
      const s = stream();
      await store().appendToStream(s, [event()], { expectedRevision: 'no_stream' });
      const controller = new AbortController();
      const received: string[] = [];
      const live = [event(), event()];
      const done = (async () => {
        for await (const e of store().subscribeToAll({ fromPosition: START, signal: controller.signal })) {
          if (e.streamId === s) received.push(e.eventId);
          if (received.length === 3) controller.abort();
        }
      })();
      await store().appendToStream(s, live, { expectedRevision: 0n });
      await done;
      expect(received.slice(1)).toEqual(live.map((e) => e.eventId));
    });
  });

  describe('bad input changes nothing', () => {
    const badNames = ['', 'nodash', '$all', '$ce-patient', 'Patient-1', 'patient-', 'patient-a b', 'patient-\u0000x', '-x', 'a'.repeat(70) + '-1'];
    it.each(badNames)('stream name %j is InvalidStreamName', async (name) => {
      await expect(store().appendToStream(name, [event()])).rejects.toBeInstanceOf(InvalidStreamName);
    });

    it('an empty batch is refused', async () => {
      const s = stream();
      await expect(store().appendToStream(s, [])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().readStream(s)).rejects.toBeInstanceOf(StreamNotFound);
    });

    it('a non-UUID event id is refused and nothing of the batch is written', async () => {
      const s = stream();
      const bad = { ...event(), eventId: '42' };
      await expect(store().appendToStream(s, [event(), bad])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().readStream(s)).rejects.toBeInstanceOf(StreamNotFound);
    });

    it('an oversized event is EventTooLarge and nothing of the batch is written', async () => {
      const s = stream();
      const big: EventToAppend = { ...event(), data: new Uint8Array(getHarness().maxEventBytes + 1) };
      await expect(store().appendToStream(s, [event(), big])).rejects.toBeInstanceOf(EventTooLarge);
      await expect(store().readStream(s)).rejects.toBeInstanceOf(StreamNotFound);
    });

    it('duplicate ids inside one batch and bad expected revisions are refused', async () => {
      const s = stream();
      const e = event();
      await expect(store().appendToStream(s, [e, e])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().appendToStream(s, [event()], { expectedRevision: -1n })).rejects.toBeInstanceOf(InvalidAppend);
      await expect(
        store().appendToStream(s, [event()], { expectedRevision: 'latest' as unknown as ExpectedRevision }),
      ).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().readStream(s)).rejects.toBeInstanceOf(StreamNotFound);
    });
  });
}
