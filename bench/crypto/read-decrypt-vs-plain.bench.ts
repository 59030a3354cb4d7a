/**
 * read_decrypt_vs_plain: events/s read and decrypted through EncryptedEventStore vs the same rows
 * read by the adapter alone (ciphertext, not decrypted), stream by stream, DEKs cached.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ortholedger/event-store';
import { type CryptoBenchContext, type CryptoBenchResult, cryptoStores, patientEvent, result, timedWorkers } from './crypto-bench-fixtures';

export const names = ['read_decrypt_vs_plain'] as const;

const CONCURRENCY = 4;
const PER_STREAM = 50;
const ROUNDS = 3;

export async function run(ctx: CryptoBenchContext): Promise<CryptoBenchResult[]> {
  if (!ctx.selected(names[0])) return [];
  const stores = cryptoStores(ctx.db.pools.app);
  try {
    const streamCount = ctx.scale.n(200);
    const streams = Array.from({ length: streamCount }, () => randomUUID());
    await timedWorkers(streamCount, CONCURRENCY, async (i) => {
      const subject = streams[i];
      const batch = Array.from({ length: PER_STREAM }, (_, k) => patientEvent(subject, k));
      await stores.encrypted.appendToStream(`patient-${subject}`, batch, { expectedRevision: 'no_stream' });
    });
    const readAll = (store: EventStore) =>
      timedWorkers(streamCount, CONCURRENCY, async (i) => {
        const events = await store.readStream(`patient-${streams[i]}`);
        if (events.length !== PER_STREAM) throw new Error('short read');
      });
    await readAll(stores.encrypted); // warm: DEKs cached, as in steady state
    const totals = { plain: 0, encrypted: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      totals.plain += await readAll(stores.plain);
      totals.encrypted += await readAll(stores.encrypted);
    }
    const events = streamCount * PER_STREAM * ROUNDS;
    const plainRate = (events * 1000) / totals.plain;
    const decryptRate = (events * 1000) / totals.encrypted;
    ctx.log.info(`read_decrypt_vs_plain: ${events} events per side; read only ${plainRate.toFixed(0)}/s, read+decrypt ${decryptRate.toFixed(0)}/s`);
    return [
      result({
        name: names[0],
        metric: 'throughput',
        unit: 'events/s',
        value: decryptRate,
        baseline: `PostgresEventStore.readStream of the same rows without decryption, ${PER_STREAM} events per stream, concurrency ${CONCURRENCY}`,
        baselineValue: plainRate,
      }),
    ];
  } finally {
    await stores.close();
  }
}
