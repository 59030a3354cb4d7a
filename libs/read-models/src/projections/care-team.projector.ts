import { isPatientStream } from '../runner/decode-event';
import type { BatchChanges, ProjectedEvent, Projection, ProjectionContext } from '../runner/projection';
import { Orphans } from './orphans';
import { bulkWrite, deleteByIds, selectByIds } from './bulk-write';
import type { CareTeamDeparturesTable, CareTeamPatientsTable, CareTeamTable } from '../schema/read-model.db';

export const CARE_TEAM = 'care_team';
const TYPES = new Set(['PatientRegistered', 'CareTeamMemberAssigned', 'CareTeamMemberRemoved', 'PatientTransferred']);

interface Team {
  clinicId: string;
  updatedAt: string;
  members: Map<string, { role: string; assignedAt: string }>;
  /** Left the team themselves (CareTeamMemberRemoved by the member) and not assigned again. */
  departed: Set<string>;
}

/**
 * Who may see a patient: patient <-> clinician rows and the patient's clinic, for the access
 * policies (CareTeamDirectory). Ids and roles only, nothing to encrypt.
 */
export class CareTeamProjection implements Projection {
  readonly name = CARE_TEAM;
  readonly version = 3; // 2: care_team_departures (who left the team themselves); 3: a transfer keeps them, as the patient state does
  readonly tables = ['care_team', 'care_team_patients', 'care_team_departures'];
  readonly description = "patient <-> clinician membership and each patient's clinic, for access policies";

  handles(event: { streamId: string; type: string }): boolean {
    return isPatientStream(event.streamId) && TYPES.has(event.type);
  }

  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext, changes: BatchChanges): Promise<void> {
    const live = events.filter((e) => !e.redacted);
    const ids = [...new Set(live.map((e) => e.subjectId!))];
    const teams = await this.load(ids, ctx);
    const dirty = new Set<string>();
    const orphans = new Orphans();
    for (const event of live) {
      const id = event.subjectId!;
      const d = event.data;
      if (event.type === 'PatientRegistered') {
        teams.set(id, { clinicId: d.clinicId, updatedAt: d.occurredAt, members: new Map(), departed: new Set() });
      } else {
        const team = teams.get(id);
        if (!team) {
          orphans.add(event);
          continue;
        }
        team.updatedAt = d.occurredAt;
        if (event.type === 'CareTeamMemberAssigned') {
          const known = team.members.get(d.userId);
          team.members.set(d.userId, { role: d.role, assignedAt: known?.assignedAt ?? d.occurredAt });
          team.departed.delete(d.userId);
        } else if (event.type === 'CareTeamMemberRemoved') {
          team.members.delete(d.userId);
          // As the patient state has it: a removal recorded without removedBy (older events) was by someone else.
          if (d.removedBy === d.userId) team.departed.add(d.userId);
          else team.departed.delete(d.userId);
        } else if (event.type === 'PatientTransferred') {
          team.clinicId = d.toClinicId;
          team.members.clear();
          // The patient state keeps `leftTeam` through a transfer: whoever left on their own handed over for good (until assigned again).
        }
      }
      dirty.add(id);
    }
    await orphans.check(ctx);
    await this.write([...dirty], teams, ctx);
    for (const id of dirty) changes.subjects.add(id);
    const redacted = [...new Set(events.filter((e) => e.redacted).map((e) => e.subjectId!))];
    await this.eraseSubjects(redacted, ctx);
  }

  async eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void> {
    if (subjectIds.length === 0) return;
    await deleteByIds(ctx, 'care_team', 'patient_id', subjectIds);
    await deleteByIds(ctx, 'care_team_patients', 'patient_id', subjectIds);
    await deleteByIds(ctx, 'care_team_departures', 'patient_id', subjectIds);
  }

  private async load(ids: string[], ctx: ProjectionContext): Promise<Map<string, Team>> {
    const teams = new Map<string, Team>();
    if (ids.length === 0) return teams;
    const patients = await selectByIds<CareTeamPatientsTable>(ctx, 'care_team_patients', 'patient_id', ids);
    for (const p of patients) teams.set(p.patient_id, { clinicId: p.clinic_id, updatedAt: new Date(p.updated_at).toISOString(), members: new Map(), departed: new Set() });
    const members = await selectByIds<CareTeamTable>(ctx, 'care_team', 'patient_id', ids);
    for (const m of members) teams.get(m.patient_id)?.members.set(m.user_id, { role: m.role, assignedAt: new Date(m.assigned_at).toISOString() });
    const departed = await selectByIds<CareTeamDeparturesTable>(ctx, 'care_team_departures', 'patient_id', ids);
    for (const x of departed) teams.get(x.patient_id)?.departed.add(x.user_id);
    return teams;
  }

  /** Rewrites the touched patients' rows: simpler than diffing, and one statement per table. */
  private async write(ids: string[], teams: Map<string, Team>, ctx: ProjectionContext): Promise<void> {
    if (ids.length === 0) return;
    await deleteByIds(ctx, 'care_team', 'patient_id', ids);
    await deleteByIds(ctx, 'care_team_departures', 'patient_id', ids);
    const departures = ids.flatMap((id) => [...teams.get(id)!.departed].map((userId) => ({ patient_id: id, user_id: userId })));
    await bulkWrite(ctx, 'care_team_departures', [['patient_id', 'uuid'], ['user_id', 'uuid']], departures);
    const members = ids.flatMap((id) =>
      [...teams.get(id)!.members].map(([userId, m]) => ({ patient_id: id, user_id: userId, role: m.role, assigned_at: m.assignedAt })),
    );
    await bulkWrite(ctx, 'care_team', [['patient_id', 'uuid'], ['user_id', 'uuid'], ['role', 'text'], ['assigned_at', 'timestamptz']], members);
    const patients = ids.map((id) => ({ patient_id: id, clinic_id: teams.get(id)!.clinicId, updated_at: teams.get(id)!.updatedAt }));
    await bulkWrite(ctx, 'care_team_patients', [['patient_id', 'uuid'], ['clinic_id', 'uuid'], ['updated_at', 'timestamptz']], patients, { key: ['patient_id'], update: 'all' });
  }
}
