import {
  ANY,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { InvalidAppend, StreamNotFound, WrongExpectedVersion } from '../event-store.errors';
import { START } from '../event-store.port';
import {
  CONTENT_TYPE_KEY,
  decodeMetadata,
  encodeMetadata,
  fromEsdbCurrentRevision,
  fromEsdbExpectedRevision,
  fromEsdbPosition,
  isSystemEvent,
  mapEsdbError,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping';

describe('EventStoreDB mapping', () => {
  describe('expected revision', () => {
    it.each([
      ['no_stream', NO_STREAM],
      ['stream_exists', STREAM_EXISTS],
      ['any', ANY],
      [0n, 0n],
      [41n, 41n],
    ] as const)('%p is sent as %p', (ours, theirs) => {
      expect(toEsdbExpectedRevision(ours)).toBe(theirs);
    });

    it('reads the server sentinels of error metadata back', () => {
      expect(fromEsdbExpectedRevision(-1n)).toBe('no_stream');
      expect(fromEsdbExpectedRevision(-2n)).toBe('any');
      expect(fromEsdbExpectedRevision(-4n)).toBe('stream_exists');
      expect(fromEsdbExpectedRevision(7n)).toBe(7n);
      expect(fromEsdbExpectedRevision(STREAM_EXISTS)).toBe('stream_exists');
    });

    it('a missing stream is no_stream whichever way the server says it', () => {
      expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(-1n)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(undefined)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(0n)).toBe(0n);
    });
  });

  describe('errors', () => {
    it('WrongExpectedVersionError becomes WrongExpectedVersion with expected and actual', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'case-1', expected: 0n, current: 1n });
      const mapped = mapEsdbError(error, { streamId: 'case-1', expected: 0n });
      expect(mapped).toBeInstanceOf(WrongExpectedVersion);
      expect(mapped).toMatchObject({ streamId: 'case-1', expected: 0n, actual: 1n, code: 'EVENT_STORE.WRONG_EXPECTED_VERSION' });
    });

    it('a missing stream in a concurrency error is reported as no_stream', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'case-1', expected: STREAM_EXISTS, current: NO_STREAM });
      expect(mapEsdbError(error, { streamId: 'case-1' })).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    });

    it('StreamNotFoundError and StreamDeletedError become StreamNotFound', () => {
      expect(mapEsdbError(new StreamNotFoundError(undefined, 'case-1'), { streamId: 'case-1' })).toBeInstanceOf(StreamNotFound);
      expect(mapEsdbError(StreamDeletedError.fromStreamName('case-1'), { streamId: 'case-1' })).toBeInstanceOf(StreamNotFound);
    });

    it('an oversized batch is InvalidAppend; infrastructure errors pass through untouched', () => {
      expect(mapEsdbError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), { streamId: 'case-1' })).toBeInstanceOf(InvalidAppend);
      const unavailable = new UnavailableError();
      expect(mapEsdbError(unavailable, { streamId: 'case-1' })).toBe(unavailable);
      const plain = new Error('boom');
      expect(mapEsdbError(plain, { streamId: 'case-1' })).toBe(plain);
    });
  });

  describe('positions', () => {
    it('our START is the start of $all; other positions map field for field', () => {
      expect(toEsdbReadPosition(START)).toBe(ESDB_START);
      expect(toEsdbReadPosition(undefined)).toBe(ESDB_START);
      expect(toEsdbReadPosition({ commit: 1234n, prepare: 1200n })).toEqual({ commit: 1234n, prepare: 1200n });
      expect(fromEsdbPosition({ commit: 99n, prepare: 98n })).toEqual({ commit: 99n, prepare: 98n });
    });

    it('an event without a position is refused rather than checkpointed at a made-up place', () => {
      expect(() => fromEsdbPosition(undefined)).toThrow(/22\.6/);
    });
  });

  describe('events', () => {
    const base = {
      streamId: 'case-1',
      id: 'AA2D5D1C-6C7E-4B7E-9C1A-2B3C4D5E6F70',
      revision: 3n,
      type: 'PlanApproved',
      created: new Date(0),
      isJson: false,
      position: { commit: 10n, prepare: 10n },
    };

    it('binary data, JSON metadata and the content type survive a round trip', () => {
      const data = new Uint8Array([1, 2, 3]);
      const metadata = encodeMetadata({ actor: 'u1' }, 'application/json');
      const recorded = toRecordedEvent({ ...base, data, metadata });
      expect(recorded).toMatchObject({
        streamId: 'case-1',
        eventId: 'aa2d5d1c-6c7e-4b7e-9c1a-2b3c4d5e6f70',
        revision: 3n,
        data,
        metadata: { actor: 'u1' },
        contentType: 'application/json',
        position: { commit: 10n, prepare: 10n },
      });
    });

    it('metadata the client already parsed is accepted, and the reserved key never leaks', () => {
      expect(decodeMetadata({ actor: 'u1', [CONTENT_TYPE_KEY]: 'application/json' })).toEqual({
        metadata: { actor: 'u1' },
        contentType: 'application/json',
      });
      expect(decodeMetadata(undefined)).toEqual({ metadata: {}, contentType: 'application/octet-stream' });
      expect(decodeMetadata(new Uint8Array([0xff]))).toEqual({ metadata: {}, contentType: 'application/octet-stream' });
      expect(new TextDecoder().decode(encodeMetadata({ a: 1 }, 'application/octet-stream'))).toBe('{"a":1}');
    });

    it('system streams and event types are recognised', () => {
      expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
      expect(isSystemEvent({ streamId: '$$case-1', type: '$metadata' })).toBe(true);
      expect(isSystemEvent({ streamId: 'case-1', type: '$>' })).toBe(true);
      expect(isSystemEvent({ streamId: 'case-1', type: 'PlanApproved' })).toBe(false);
    });
  });
});
