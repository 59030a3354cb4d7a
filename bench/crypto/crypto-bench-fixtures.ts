import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DataKeys, DekCache, EncryptedEventStore, KeyStore, LocalKeyProvider } from '@ortholedger/crypto';
import { type EventToAppend, PostgresEventStore } from '@ortholedger/event-store';

/**
 * The slice of the bench harness context (bench/harness/bench.types.ts) these benches use, typed
 * here structurally so they only depend on what the harness hands to `run`.
 */
export interface CryptoBenchContext {
  readonly db: { readonly pools: { readonly app: pg.Pool; readonly owner: pg.Pool } };
  readonly log: { info(message: string): void };
  readonly scale: { n(base: number): number };
  selected(name: string): boolean;
}

export interface CryptoBenchResult {
  readonly name: string;
  readonly metric: string;
  readonly value: number | null;
  readonly unit: string;
  readonly baseline: string;
  readonly baseline_value: number | null;
  readonly ratio: number | null;
}

export interface CryptoStores {
  plain: PostgresEventStore;
  encrypted: EncryptedEventStore;
  keys: DataKeys;
  close(): Promise<void>;
}

/** Plain and encrypted stores over the same adapter and pool; local keys in a throwaway keyring. */
export function cryptoStores(pool: pg.Pool): CryptoStores {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-keys-'));
  const provider = new LocalKeyProvider({ file: path.join(dir, 'keys', 'master.json') });
  const keys = new DataKeys({ store: new KeyStore(pool), provider, cache: new DekCache({ maxEntries: 20_000 }) });
  const plain = new PostgresEventStore({ pool, pollIntervalMs: 60_000 });
  const encrypted = new EncryptedEventStore({ inner: plain, keys });
  return {
    plain,
    encrypted,
    keys,
    async close() {
      await plain.close();
      keys.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A patient-stream event as a command handler would append it (~500 bytes of JSON). */
export function patientEvent(subjectId: string, i: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'ClinicalFindingsRecorded',
    data: Buffer.from(
      JSON.stringify({
        findings: { crowding: 'moderate', overjetMm: 3.5, overbiteMm: 2, classification: 'Class II div 1' },
        note: randomBytes(192).toString('base64'),
        sequence: i,
      }),
    ),
    metadata: {
      subjectId,
      actorId: randomUUID(),
      actorRole: 'orthodontist',
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
    contentType: 'application/json',
  };
}

export const perSecond = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : 0);
const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000);

export function result(r: { name: string; metric: string; unit: string; value: number; baseline: string; baselineValue: number }): CryptoBenchResult {
  return {
    name: r.name,
    metric: r.metric,
    value: round(r.value),
    unit: r.unit,
    baseline: r.baseline,
    baseline_value: round(r.baselineValue),
    ratio: r.baselineValue > 0 ? Math.round((r.value / r.baselineValue) * 1000) / 1000 : null,
  };
}

/** Runs `count` operations on `concurrency` workers; returns elapsed ms. */
export async function timedWorkers(count: number, concurrency: number, op: (i: number, worker: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (next < count) await op(next++, w);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e6;
}
