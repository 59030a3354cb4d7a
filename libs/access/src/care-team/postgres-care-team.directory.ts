import type pg from 'pg';
import type { CareTeamDirectory, PatientFactsAnswer, PatientFactsQuery } from './care-team.directory';
import { isUuid } from '../realm';

/**
 * Interim implementation on two small tables in the `access` schema, written by whoever registers
 * patients and assigns care teams until the care-team projection exists.
 */
export class PostgresCareTeamDirectory implements CareTeamDirectory {
  constructor(private readonly pool: pg.Pool) {}

  async isOnCareTeam(patientId: string, userId: string): Promise<boolean> {
    if (!isUuid(patientId) || !isUuid(userId)) return false;
    const { rowCount } = await this.pool.query(
      'select 1 from access.care_team_members where patient_id = $1 and user_id = $2',
      [patientId, userId],
    );
    return (rowCount ?? 0) > 0;
  }

  async patientClinic(patientId: string): Promise<string | undefined> {
    if (!isUuid(patientId)) return undefined;
    const { rows } = await this.pool.query<{ clinic_id: string }>(
      'select clinic_id from access.patient_clinics where patient_id = $1',
      [patientId],
    );
    return rows[0]?.clinic_id;
  }

  async patientFacts(patientId: string, userId: string): Promise<{ clinicId?: string; onCareTeam: boolean }> {
    if (!isUuid(patientId) || !isUuid(userId)) return { onCareTeam: false };
    const { rows } = await this.pool.query<{ clinic_id: string | null; member: boolean }>({
      name: 'access_patient_facts',
      text: `select (select clinic_id from access.patient_clinics where patient_id = $1) as clinic_id,
                    exists (select 1 from access.care_team_members where patient_id = $1 and user_id = $2) as member`,
      values: [patientId, userId],
    });
    return { clinicId: rows[0].clinic_id ?? undefined, onCareTeam: rows[0].member };
  }

  /** One statement for many pairs, in order; a pair with a malformed id is answered "unknown" without entering it. */
  async patientFactsMany(queries: readonly PatientFactsQuery[]): Promise<PatientFactsAnswer[]> {
    const answers: PatientFactsAnswer[] = queries.map(() => ({ onCareTeam: false }));
    const valid = queries.flatMap((q, i) => (isUuid(q.patientId) && isUuid(q.userId) ? [i] : []));
    if (valid.length === 0) return answers;
    const { rows } = await this.pool.query<{ clinic_id: string | null; member: boolean }>({
      name: 'access_patient_facts_many',
      text: `select (select clinic_id from access.patient_clinics where patient_id = q.patient_id) as clinic_id,
                    exists (select 1 from access.care_team_members m where m.patient_id = q.patient_id and m.user_id = q.user_id) as member
               from unnest($1::uuid[], $2::uuid[]) with ordinality as q (patient_id, user_id, ord) order by q.ord`,
      values: [valid.map((i) => queries[i].patientId), valid.map((i) => queries[i].userId)],
    });
    rows.forEach((r, k) => (answers[valid[k]] = { clinicId: r.clinic_id ?? undefined, onCareTeam: r.member }));
    return answers;
  }

  /** Records (or moves, on transfer) a patient's clinic. */
  async setPatientClinic(patientId: string, clinicId: string): Promise<void> {
    await this.pool.query(
      `insert into access.patient_clinics (patient_id, clinic_id) values ($1, $2)
       on conflict (patient_id) do update set clinic_id = excluded.clinic_id`,
      [patientId, clinicId],
    );
  }

  async addMember(patientId: string, userId: string): Promise<void> {
    await this.pool.query(
      'insert into access.care_team_members (patient_id, user_id) values ($1, $2) on conflict do nothing',
      [patientId, userId],
    );
  }

  async removeMember(patientId: string, userId: string): Promise<void> {
    await this.pool.query('delete from access.care_team_members where patient_id = $1 and user_id = $2', [patientId, userId]);
  }
}
