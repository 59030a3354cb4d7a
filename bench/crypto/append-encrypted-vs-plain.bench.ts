/**
 * append_encrypted_vs_plain: events/s appended through EncryptedEventStore vs the same PostgreSQL
 * adapter without it, same pool, concurrency, batch and exact expected revisions; DEKs cached
 * (every stream is seeded before the clock starts). Goal: ratio >= 0.9.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ortholedger/event-store';
import { type CryptoBenchContext, type CryptoBenchResult, cryptoStores, patientEvent, result, timedWorkers } from './crypto-bench-fixtures';

export const names = ['append_encrypted_vs_plain'] as const;

const CONCURRENCY = 4;
const STREAMS_PER_WORKER = 25;
const ROUNDS = 6; // alternate sides often, so drift on a shared machine hits both alike

interface Stream {
  id: string;
  subject: string;
  last: bigint;
}

export async function run(ctx: CryptoBenchContext): Promise<CryptoBenchResult[]> {
  if (!ctx.selected(names[0])) return [];
  const stores = cryptoStores(ctx.db.pools.app);
  try {
    const appends = ctx.scale.n(3000);
    const seed = async (store: EventStore): Promise<Stream[][]> =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          const streams: Stream[] = [];
          for (let s = 0; s < STREAMS_PER_WORKER; s++) {
            const subject = randomUUID();
            const id = `patient-${subject}`;
            await store.appendToStream(id, [patientEvent(subject, 0)], { expectedRevision: 'no_stream' });
            streams.push({ id, subject, last: 0n });
          }
          return streams;
        }),
      );
    const sides = { plain: await seed(stores.plain), encrypted: await seed(stores.encrypted) };
    const totals = { plain: 0, encrypted: 0 };
    const perRound = Math.floor(appends / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ['plain', 'encrypted'] as const) {
        const store: EventStore = side === 'plain' ? stores.plain : stores.encrypted;
        const events = Array.from({ length: perRound }, (_, i) => i);
        totals[side] += await timedWorkers(events.length, CONCURRENCY, async (i, w) => {
          const s = sides[side][w][i % STREAMS_PER_WORKER];
          await store.appendToStream(s.id, [patientEvent(s.subject, i)], { expectedRevision: s.last });
          s.last++;
        });
      }
    }
    const plainRate = (perRound * ROUNDS * 1000) / totals.plain;
    const encryptedRate = (perRound * ROUNDS * 1000) / totals.encrypted;
    ctx.log.info(
      `append_encrypted_vs_plain: ${perRound * ROUNDS} single-event appends per side, concurrency ${CONCURRENCY}; ` +
        `plain ${plainRate.toFixed(0)}/s, encrypted ${encryptedRate.toFixed(0)}/s; provider calls ${stores.keys.cache.providerCalls} ` +
        `(all at seeding: ${CONCURRENCY * STREAMS_PER_WORKER} new streams)`,
    );
    return [
      result({
        name: names[0],
        metric: 'throughput',
        unit: 'events/s',
        value: encryptedRate,
        baseline: `PostgresEventStore without encryption, same pool, 1 event per append, exact revision, concurrency ${CONCURRENCY}`,
        baselineValue: plainRate,
      }),
    ];
  } finally {
    await stores.close();
  }
}
