import pg from 'pg';
import { ERASURES_CHANNEL } from '@ortholedger/crypto';
import { clientConfigOf } from '@ortholedger/event-store';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { DIRECTORY, openDemographics } from '../projections/patient-directory.row';
import { READ_MODELS_CHANNEL, type RunnerLog } from '../runner/projection-runner';
import { PatientSearchIndex } from './patient-search-index';
import type { IndexedPatient, PatientQuery, SearchPage, SearchScope } from './search.types';

interface Row {
  patient_id: string;
  clinic_id: string;
  care_team: string[];
  demographics: Buffer;
  pos_commit: string;
  pos_prepare: string;
}

const COLUMNS = 'patient_id, clinic_id, care_team, demographics, pos_commit, pos_prepare';

/**
 * Keeps a PatientSearchIndex equal to the live patient_directory: streams and decrypts the whole
 * table at start, then on every projection commit (LISTEN/NOTIFY, with a poll as backstop) fetches
 * the rows whose position is past what it holds; removals (erasures) arrive in the notification and
 * from the keyvault's own erasure channel; a swap or a lost connection triggers a full reload.
 */
export class PatientSearchService {
  private index = new PatientSearchIndex();
  private watermark: [bigint, bigint] = [-1n, -1n];
  private listener?: pg.Client;
  private loaded?: Promise<void>;
  /** Reloads and refreshes run one at a time: they share the watermark. */
  private queue: Promise<void> = Promise.resolve();
  private refreshQueued = false;
  /**
   * Removals (erasures) seen while a read of the directory is in flight: a reload building its new
   * index, or one fetch of changed rows. The read's snapshot may predate the delete, so its rows
   * could bring an erased patient back (decrypted, in memory); every read applies these after its rows.
   */
  private readonly removedDuringRead = new Set<Set<string>>();
  private stopped = false;
  private poll?: NodeJS.Timeout;
  lastLoad?: { patients: number; ms: number };

  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: ReadModelKeys,
    private readonly options: { log?: RunnerLog; pageSize?: number; pollMs?: number } = {},
  ) {}

  get ready(): boolean {
    return this.lastLoad !== undefined;
  }

  get size(): number {
    return this.index.size;
  }

  /** Loads the directory and starts listening; resolves once the first load is done. */
  start(): Promise<void> {
    this.loaded ??= (async () => {
      await this.listen().catch((error) => {
        this.options.log?.warn({ code: error.code ?? error.name }, 'search index: listen failed; polling until it reconnects');
        this.reconnect();
      });
      await this.reload();
      this.poll = setInterval(() => this.refresh(), this.options.pollMs ?? 5000);
      this.poll.unref();
    })();
    return this.loaded;
  }

  async whenReady(timeoutMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.start().catch(() => undefined), timeout]);
    clearTimeout(timer);
    return this.ready;
  }

  search(query: PatientQuery, scopes: readonly SearchScope[]): SearchPage {
    return this.index.search(query, scopes);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.queue;
  }

  /** Fetches rows changed since the last fetch; requests while one is queued share it. */
  refresh(): Promise<void> {
    if (this.refreshQueued) return this.queue;
    this.refreshQueued = true;
    return this.enqueue(async () => {
      this.refreshQueued = false;
      await this.fetchSince(this.index);
    });
  }

  /** Builds a new index beside the current one and switches when it is complete. */
  reload(): Promise<void> {
    return this.enqueue(() => this.load());
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.stopped) return;
      await task().catch((error) => this.options.log?.warn({ code: error.code ?? error.name }, 'search index update failed'));
    });
    this.queue = run;
    return run;
  }

  private remove(patientId: string): void {
    this.index.remove(patientId);
    for (const removed of this.removedDuringRead) removed.add(patientId);
  }

  /** Runs a read of the directory into `index`, then takes out whatever was erased meanwhile. */
  private async reading(index: PatientSearchIndex, read: () => Promise<void>): Promise<void> {
    const removed = new Set<string>();
    this.removedDuringRead.add(removed);
    try {
      await read();
    } finally {
      this.removedDuringRead.delete(removed);
      for (const id of removed) index.remove(id);
    }
  }

  private async load(): Promise<void> {
    const started = Date.now();
    const fresh = new PatientSearchIndex();
    await this.reading(fresh, async () => {
      const { rows } = await this.pool.query<{ c: string; p: string }>(
        `select pos_commit as c, pos_prepare as p from read_models.projection_checkpoints where projection = $1 and target = 'live'`,
        [DIRECTORY],
      );
      const before: [bigint, bigint] = rows[0] ? [BigInt(rows[0].c), BigInt(rows[0].p)] : [-1n, -1n];
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await this.pool.query<Row>(
          `select ${COLUMNS} from read_models.patient_directory where patient_id > $1 order by patient_id limit $2`,
          [after, this.options.pageSize ?? 2000],
        );
        for (const row of page.rows) fresh.upsert(this.decode(row));
        if (page.rows.length < (this.options.pageSize ?? 2000)) break;
        after = page.rows[page.rows.length - 1].patient_id;
      }
      // Rows changed while the pages were read: everything past the checkpoint taken before the first page.
      this.watermark = before;
      await this.fetchSince(fresh);
    });
    this.index = fresh;
    this.lastLoad = { patients: fresh.size, ms: Date.now() - started };
  }

  private async fetchSince(index: PatientSearchIndex): Promise<void> {
    for (let more = true; more; ) {
      await this.reading(index, async () => {
        const [c, p] = this.watermark;
        const { rows } = await this.pool.query<Row>(
          `select ${COLUMNS} from read_models.patient_directory
            where (pos_commit, pos_prepare) > ($1::bigint, $2::bigint) order by pos_commit, pos_prepare limit 2000`,
          [c.toString(), p.toString()],
        );
        for (const row of rows) {
          index.upsert(this.decode(row));
          this.watermark = [BigInt(row.pos_commit), BigInt(row.pos_prepare)];
        }
        more = rows.length === 2000;
      });
    }
  }

  private decode(row: Row): IndexedPatient {
    const { name, dateOfBirth, chartNumber } = openDemographics(this.keys, row.patient_id, row.demographics);
    return { patientId: row.patient_id, clinicId: row.clinic_id, careTeam: row.care_team, name, dateOfBirth, chartNumber };
  }

  private onNotification(channel: string, payload: string | undefined): void {
    if (channel === ERASURES_CHANNEL) {
      if (payload) this.remove(payload.toLowerCase());
      return;
    }
    let notice: { p?: string[]; e?: string[]; r?: number; s?: number } = {};
    try {
      notice = JSON.parse(payload ?? '{}');
    } catch {
      return;
    }
    for (const id of notice.e ?? []) this.remove(id);
    // Too many erasures to list (a sweep-only commit names no projection): reload. A swap (s) reloads only for the directory.
    if (notice.r && (!notice.s || notice.p?.includes(DIRECTORY))) void this.reload();
    else if (notice.p?.includes(DIRECTORY)) void this.refresh();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(clientConfigOf(this.pool, { application_name: 'ortholedger-search' }));
    client.on('notification', (m) => this.onNotification(m.channel, m.payload));
    const lost = () => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`listen ${READ_MODELS_CHANNEL}`);
    await client.query(`listen ${ERASURES_CHANNEL}`);
    this.listener = client;
  }

  /** Notifications sent while we were away are unknown: reconnect, then reload everything. */
  private reconnect(): void {
    const timer = setTimeout(() => {
      if (this.stopped) return;
      this.listen()
        .then(() => this.reload())
        .catch(() => this.reconnect());
    }, 1000);
    timer.unref();
  }
}
