/**
 * kms_calls_per_1k_events: key provider calls per 1,000 appended events, 100k events on 1k streams
 * (scaled). Baseline: the goal of one call per new stream and none per cached append.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoBenchContext, type CryptoBenchResult, cryptoStores, patientEvent, result, timedWorkers } from './crypto-bench-fixtures';

export const names = ['kms_calls_per_1k_events'] as const;

const BATCH = 10;
const CONCURRENCY = 4;

export async function run(ctx: CryptoBenchContext): Promise<CryptoBenchResult[]> {
  if (!ctx.selected(names[0])) return [];
  const stores = cryptoStores(ctx.db.pools.app);
  try {
    const streamCount = ctx.scale.n(1000);
    const events = streamCount * 100;
    const streams = Array.from({ length: streamCount }, () => {
      const subject = randomUUID();
      return { id: `patient-${subject}`, subject, last: -1n };
    });
    const appends = events / BATCH;
    // Round-robin over the streams: the first pass creates every stream, the rest are cached appends.
    let callsAfterFirstPass = 0;
    const ms = await timedWorkers(appends, CONCURRENCY, async (i) => {
      const s = streams[i % streamCount];
      const expected = s.last < 0n ? 'no_stream' : s.last;
      s.last += BigInt(BATCH);
      await stores.encrypted.appendToStream(s.id, Array.from({ length: BATCH }, (_, k) => patientEvent(s.subject, k)), { expectedRevision: expected });
      if (i === streamCount - 1) callsAfterFirstPass = stores.keys.cache.providerCalls;
    });
    const calls = stores.keys.cache.providerCalls;
    const steady = calls - callsAfterFirstPass;
    ctx.log.info(
      `kms_calls_per_1k_events: ${events} events on ${streamCount} streams in ${(ms / 1000).toFixed(1)} s; provider calls ${calls} ` +
        `(${(calls / streamCount).toFixed(2)} per new stream), ${steady} during the ${events - streamCount * BATCH} cached-stream events`,
    );
    return [
      result({
        name: names[0],
        metric: 'provider_calls_per_1k_events',
        unit: 'calls/1k events',
        value: (calls * 1000) / events,
        baseline: `goal: 1 call per new stream, 0 per cached append (${streamCount} streams, ${events} events)`,
        baselineValue: (streamCount * 1000) / events,
      }),
    ];
  } finally {
    await stores.close();
  }
}
