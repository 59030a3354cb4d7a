import type pg from 'pg';
import { CARE_TEAM } from '../projections/care-team.projector';
import { sleep } from '../runner/transient';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Structurally the access lib's CareTeamDirectory (this lib does not import access). */
export interface CareTeamFacts {
  isOnCareTeam(patientId: string, userId: string): Promise<boolean>;
  patientClinic(patientId: string): Promise<string | undefined>;
  patientFacts(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }>;
}

export interface ProjectedCareTeamOptions {
  /** Newest committed event position; defaults to the PostgreSQL adapter's table. */
  readonly head?: () => Promise<{ commit: bigint; prepare: bigint } | undefined>;
  /**
   * How long a negative answer may wait for the care_team projection to reach the end of the log
   * (read-your-writes: a care-team assignment that just committed is honoured). Default 1500 ms.
   */
  readonly consistencyWaitMs?: number;
  /**
   * Transitional: answers for patients the read model has never seen (the access lib's interim
   * tables, still seeded by older tests). Never consulted for a patient the log knows or one erased.
   */
  readonly interim?: CareTeamFacts;
}

/**
 * The access policies' care-team facts from the `care_team` read model. Positive answers are
 * immediate; a negative one first waits (bounded) until the projection has applied every event
 * committed before the question, so a command that follows a care-team change is not refused.
 */
export class ProjectedCareTeamDirectory implements CareTeamFacts {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: ProjectedCareTeamOptions = {},
  ) {}

  async isOnCareTeam(patientId: string, userId: string): Promise<boolean> {
    return (await this.patientFacts(patientId, userId)).onCareTeam;
  }

  async patientClinic(patientId: string): Promise<string | undefined> {
    if (!UUID.test(patientId)) return undefined;
    return (await this.patientFacts(patientId, '00000000-0000-4000-8000-000000000000')).clinicId;
  }

  async patientFacts(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }> {
    if (!UUID.test(patientId) || !UUID.test(userId)) return { onCareTeam: false };
    let facts = await this.read(patientId, userId);
    if (facts.clinicId === undefined || !facts.onCareTeam) {
      if (await this.waitForHead()) facts = await this.read(patientId, userId);
    }
    if (facts.known || facts.erased || !this.options.interim) return { clinicId: facts.clinicId, onCareTeam: facts.onCareTeam };
    return this.options.interim.patientFacts(patientId, userId);
  }

  private async read(patientId: string, userId: string) {
    const { rows } = await this.pool.query<{ clinic_id: string | null; member: boolean; erased: boolean }>({
      name: 'read_models_care_team_facts',
      text: `select (select clinic_id::text from read_models.care_team_patients where patient_id = $1) as clinic_id,
                    exists (select 1 from read_models.care_team where patient_id = $1 and user_id = $2) as member,
                    exists (select 1 from keyvault.erasures where subject_id = $1) as erased`,
      values: [patientId, userId],
    });
    const row = rows[0];
    return { clinicId: row.clinic_id ?? undefined, onCareTeam: row.member, known: row.clinic_id !== null, erased: row.erased };
  }

  /**
   * Waits until the care_team checkpoint has passed the newest committed event. False when it
   * already had (nothing to wait for) or the wait timed out.
   */
  private async waitForHead(): Promise<boolean> {
    const deadline = Date.now() + (this.options.consistencyWaitMs ?? 1500);
    const head = await this.head();
    if (!head) return false;
    const target: [bigint, bigint] = [head.commit, head.prepare];
    let waited = false;
    for (;;) {
      const { rows } = await this.pool.query<{ c: string; p: string }>(
        `select pos_commit as c, pos_prepare as p from read_models.projection_checkpoints where projection = $1 and target = 'live'`,
        [CARE_TEAM],
      );
      const at: [bigint, bigint] = rows[0] ? [BigInt(rows[0].c), BigInt(rows[0].p)] : [-1n, -1n];
      if (at[0] > target[0] || (at[0] === target[0] && at[1] >= target[1])) return waited;
      if (Date.now() >= deadline) return waited;
      waited = true;
      await sleep(20);
    }
  }

  private async head(): Promise<{ commit: bigint; prepare: bigint } | undefined> {
    if (this.options.head) return this.options.head();
    try {
      const { rows } = await this.pool.query<{ c: string; p: string }>({
        name: 'read_models_events_head',
        text: 'select transaction_id::text as c, global_position as p from eventstore.events order by transaction_id desc, global_position desc limit 1',
      });
      return rows[0] ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } : undefined;
    } catch {
      return undefined; // another adapter: answer from what the read model has
    }
  }
}
