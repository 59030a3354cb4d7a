import { Command, Option } from 'nest-commander';
import { createIdentityServices } from '@ortholedger/access';
import { createAppKeyProvider, createEncryptedEventStore, createRawEventStore } from '@ortholedger/platform';
import { CliRuntime } from '../../cli-runtime.service';
import { integerIn, JsonCommand } from '../../output/options';
import { print } from '../../output/output';
import { createProgress } from '../../output/progress';
import { existingClinicStaff } from './clinic-staff';
import { type ClinicStaff, syntheticClinic } from './synthetic-clinic';
import { type SeedMode, writeClinic } from './seed-writer';

interface SeedOptions {
  patients?: number;
  casesPerPatient?: number;
  clinics?: number;
  clinicId?: string;
  clinicians?: string[];
  seed?: number;
  mode?: SeedMode;
  concurrency?: number;
  json?: boolean;
}

/**
 * Synthetic clinics for demos and benchmarks, written through the command side (the domain's
 * deciders and the generic command handler, so events and metadata are exactly what the API
 * writes). Refused in production.
 */
@Command({ name: 'seed', description: 'create realistic synthetic patients and cases (multi-cultural names, duplicates, typos) through the command side' })
export class SeedCommand extends JsonCommand {
  constructor(private readonly cli: CliRuntime) {
    super();
  }

  async run(_params: string[], options: SeedOptions): Promise<void> {
    if (options.clinicId && !options.clinicians) throw new Error('--clinic-id needs --clinicians');
    if (options.clinicians && !options.clinicId) throw new Error('--clinicians needs --clinic-id');
    const runtime = await this.cli.get();
    if (runtime.config.production) throw new Error('seed writes synthetic data and is refused when NODE_ENV=production');
    // A real clinic and its users are checked before the first event is appended.
    const clinics: ClinicStaff[] | undefined = options.clinicId
      ? [await existingClinicStaff(await createIdentityServices(runtime, { logger: this.cli.logger }), options.clinicId, options.clinicians!)]
      : undefined;
    const raw = createRawEventStore(runtime);
    const wiring = createEncryptedEventStore(runtime, raw, createAppKeyProvider(runtime), this.cli.logger);
    const patients = options.patients ?? 100;
    const progress = createProgress('seed', patients, { json: options.json, unit: 'patients' });
    const started = Date.now();
    try {
      const result = await writeClinic(
        wiring.store,
        syntheticClinic({ patients, casesPerPatient: options.casesPerPatient ?? 1, clinicCount: options.clinics, clinics, seed: options.seed }),
        { mode: options.mode ?? 'commands', concurrency: options.concurrency ?? 8, keep: false, onProgress: (p) => progress.update(p.patients) },
      );
      progress.stop();
      const seconds = (Date.now() - started) / 1000;
      print(!!options.json, { patients, events: result.events, seconds }, () => `seeded ${patients} patients, ${result.events} events in ${seconds.toFixed(1)} s`);
    } finally {
      progress.stop();
      wiring.keys.close();
      await raw.close();
    }
  }

  @Option({ flags: '--patients <n>', description: 'patients to register (default 100)' })
  patients(value: string): number {
    return integerIn('--patients', 0, 10_000_000, value);
  }

  @Option({ flags: '--cases-per-patient <k>', description: 'treatment cases per patient, each taken to a random workflow stage (default 1)' })
  casesPerPatient(value: string): number {
    return integerIn('--cases-per-patient', 0, 20, value);
  }

  @Option({ flags: '--clinics <n>', description: 'synthetic clinics to spread patients over (default: one per 2,000 patients)' })
  clinics(value: string): number {
    return integerIn('--clinics', 1, 10_000, value);
  }

  @Option({ flags: '--clinic-id <uuid>', description: 'seed into an existing clinic (with --clinicians)' })
  clinicId(value: string): string {
    if (!/^[0-9a-f-]{36}$/.test(value)) throw new Error('--clinic-id must be a UUID');
    return value;
  }

  @Option({ flags: '--clinicians <uuids>', description: "comma-separated ids of that clinic's active users (at least one orthodontist); each acts in their own account's role" })
  clinicians(value: string): string[] {
    const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0 || ids.some((id) => !/^[0-9a-f-]{36}$/.test(id))) throw new Error('--clinicians must be comma-separated UUIDs');
    return ids;
  }

  @Option({ flags: '--seed <n>', description: 'random seed; the same seed gives the same synthetic clinic' })
  seed(value: string): number {
    return integerIn('--seed', 0, 2 ** 31, value);
  }

  @Option({ flags: '--mode <mode>', description: "commands (one command batch per actor, as the API) or batched (a new stream's history in one append; bulk)" })
  mode(value: string): SeedMode {
    if (value !== 'commands' && value !== 'batched') throw new Error('--mode must be commands or batched');
    return value;
  }

  @Option({ flags: '--concurrency <n>', description: 'parallel writers (default 8)' })
  concurrency(value: string): number {
    return integerIn('--concurrency', 1, 64, value);
  }
}
