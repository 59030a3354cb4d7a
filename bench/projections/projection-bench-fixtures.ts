import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type pg from 'pg';
import { DataKeys, DekCache, EncryptedEventStore, KeyStore, LocalKeyProvider } from '@ortholedger/crypto';
import { PostgresEventStore } from '@ortholedger/event-store';
import {
  createProjections, DecryptingEventSource, indexFields, kyselyOver, type Projection, ReadModelKeys, toStored,
} from '@ortholedger/read-models';
import type { SeededPatient } from '../../apps/cli/src/commands/seed/synthetic-clinic';

/** The harness context slice these benches use (bench/harness/bench.types.ts), typed structurally. */
export interface ProjectionBenchContext {
  readonly db: { readonly url: string; readonly pools: { readonly app: pg.Pool; readonly owner: pg.Pool }; admin(): Promise<pg.Client> };
  readonly log: { info(message: string): void };
  readonly scale: { name: string; n(base: number): number };
  readonly timing: { percentile(samples: readonly number[], p: number): number };
  selected(name: string): boolean;
}

export interface BenchStores {
  provider: LocalKeyProvider;
  raw: PostgresEventStore;
  /** A fresh decrypting source (cold key cache), as a restarted process would have. */
  freshSource(): { source: DecryptingEventSource; close(): void };
  encrypted: EncryptedEventStore;
  keys: ReadModelKeys;
  projections: Projection[];
  close(): Promise<void>;
}

export async function benchStores(pool: pg.Pool): Promise<BenchStores> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-rm-'));
  const provider = new LocalKeyProvider({ file: path.join(dir, 'keys', 'master.json') });
  const raw = new PostgresEventStore({ pool, pollIntervalMs: 60_000 });
  const writeKeys = new DataKeys({ store: new KeyStore(pool), provider, cache: new DekCache({ maxEntries: 50_000 }) });
  const encrypted = new EncryptedEventStore({ inner: raw, keys: writeKeys });
  const keys = await ReadModelKeys.load({ pool, provider });
  return {
    provider,
    raw,
    encrypted,
    keys,
    projections: createProjections(keys),
    freshSource() {
      const dataKeys = new DataKeys({ store: new KeyStore(pool), provider, cache: new DekCache({ maxEntries: 50_000 }) });
      return { source: new DecryptingEventSource(raw, new EncryptedEventStore({ inner: raw, keys: dataKeys })), close: () => dataKeys.close() };
    },
    async close() {
      await raw.close();
      writeKeys.close();
      keys.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes patient_directory rows straight from seeded patients (encrypted columns and blind indexes
 * exactly as the projector writes them): the search benches need a large directory, not its events.
 */
export async function writeDirectory(pool: pg.Pool, keys: ReadModelKeys, patients: readonly SeededPatient[]): Promise<void> {
  const db = kyselyOver(pool);
  for (let i = 0; i < patients.length; i += 1000) {
    const rows = patients.slice(i, i + 1000).map((p) => {
      const row = {
        patientId: p.patientId, clinicId: p.clinicId, careTeam: [...p.careTeam].sort(), status: 'active' as const,
        registeredAt: '2024-01-02T08:00:00.000Z', updatedAt: '2024-01-02T08:00:00.000Z', position: { commit: 1n, prepare: BigInt(i) },
        demographics: { plain: { name: p.name, dateOfBirth: p.dateOfBirth, contact: { email: p.email, phone: p.phone }, chartNumber: p.chartNumber } },
        bidx: { chart: '', email: null, phone: null, dob: '' },
        tags: { chart: null, email: null, phone: null, dob: null },
      };
      indexFields(keys, row);
      return toStored(keys, row);
    });
    await db.withSchema('read_models').insertInto('patient_directory').values(rows as never).execute();
  }
  // As if the projection had written them: its checkpoint is past every row's position.
  await pool.query(
    `insert into read_models.projection_checkpoints (projection, target, version, pos_commit, pos_prepare, events_seen)
     values ('patient_directory', 'live', 1, 1, $1, $1) on conflict (projection, target) do nothing`,
    [patients.length],
  );
}

export const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000);
