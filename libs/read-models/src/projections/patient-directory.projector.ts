import type { ContactDetails, DemographicsCorrection, PersonName } from '@ortholedger/domain';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { isPatientStream } from '../runner/decode-event';
import type { BatchChanges, ProjectedEvent, Projection, ProjectionContext } from '../runner/projection';
import { DIRECTORY, type DirectoryRowState, fromStored, indexFields, toStored } from './patient-directory.row';
import { Orphans } from './orphans';

const TYPES = new Set(['PatientRegistered', 'PatientDemographicsCorrected', 'CareTeamMemberAssigned', 'CareTeamMemberRemoved', 'PatientTransferred']);

/** One row per patient: clinic, care team and status in clear; demographics encrypted; blind indexes for exact lookups. */
export class PatientDirectoryProjection implements Projection {
  readonly name = DIRECTORY;
  readonly version = 1;
  readonly tables = [DIRECTORY];
  readonly description = 'patients: clinic, care team, status; encrypted name, date of birth, contact, chart number; blind indexes';

  constructor(private readonly keys: ReadModelKeys) {}

  handles(event: { streamId: string; type: string }): boolean {
    return isPatientStream(event.streamId) && TYPES.has(event.type);
  }

  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext, changes: BatchChanges): Promise<void> {
    const live = events.filter((e) => !e.redacted);
    const ids = [...new Set(live.map((e) => e.subjectId!))];
    const rows = new Map<string, DirectoryRowState | undefined>();
    if (ids.length > 0) {
      const stored = await ctx.db.selectFrom('patient_directory').selectAll().where('patient_id', 'in', ids).execute();
      for (const row of stored) rows.set(row.patient_id, fromStored(row));
    }
    const dirty = new Set<string>();
    const orphans = new Orphans();
    for (const event of live) {
      const id = event.subjectId!;
      const next = this.evolve(rows.get(id), event);
      if (next === 'orphan') {
        orphans.add(event);
        continue;
      }
      rows.set(id, next);
      dirty.add(id);
    }
    await orphans.check(ctx);
    const upserts = [...dirty].map((id) => rows.get(id)!).map((row) => (indexFields(this.keys, row), toStored(this.keys, row)));
    for (let i = 0; i < upserts.length; i += 500) {
      await ctx.db
        .insertInto('patient_directory')
        .values(upserts.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column('patient_id').doUpdateSet((eb) => {
            const columns = Object.keys(upserts[0]).filter((c) => c !== 'patient_id') as (keyof (typeof upserts)[0])[];
            return Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)])) as never;
          }),
        )
        .execute();
    }
    for (const id of dirty) changes.subjects.add(id);
    const redacted = [...new Set(events.filter((e) => e.redacted).map((e) => e.subjectId!))];
    if (redacted.length > 0) {
      await this.eraseSubjects(redacted, ctx);
      for (const id of redacted) changes.subjects.add(id);
    }
  }

  async eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void> {
    if (subjectIds.length > 0) await ctx.db.deleteFrom('patient_directory').where('patient_id', 'in', [...subjectIds]).execute();
  }

  private evolve(row: DirectoryRowState | undefined, event: ProjectedEvent): DirectoryRowState | 'orphan' {
    const d = event.data;
    if (event.type === 'PatientRegistered') {
      return {
        patientId: d.patientId,
        clinicId: d.clinicId,
        careTeam: [],
        status: 'active',
        registeredAt: d.occurredAt,
        updatedAt: d.occurredAt,
        position: event.position,
        name: { plain: d.name as PersonName },
        dateOfBirth: { plain: d.dateOfBirth as string },
        contact: { plain: (d.contact ?? {}) as ContactDetails },
        chartNumber: { plain: d.chartNumber as string },
        bidx: { chart: '', email: null, phone: null, dob: '' },
      };
    }
    if (!row) return 'orphan';
    const next: DirectoryRowState = { ...row, bidx: { ...row.bidx }, updatedAt: d.occurredAt, position: event.position };
    switch (event.type) {
      case 'PatientDemographicsCorrected': {
        // A correction carries whole field values, so nothing stored needs decrypting here.
        const c = d.corrections as DemographicsCorrection;
        if (c.name) next.name = { plain: c.name };
        if (c.dateOfBirth) next.dateOfBirth = { plain: c.dateOfBirth };
        if (c.contact) next.contact = { plain: c.contact };
        if (c.chartNumber) next.chartNumber = { plain: c.chartNumber };
        return next;
      }
      case 'CareTeamMemberAssigned':
        next.careTeam = [...new Set([...row.careTeam, d.userId as string])].sort();
        return next;
      case 'CareTeamMemberRemoved':
        next.careTeam = row.careTeam.filter((u) => u !== d.userId);
        return next;
      case 'PatientTransferred':
        // As in the domain: the former clinic's people lose their standing; the new clinic assigns its own.
        next.clinicId = d.toClinicId;
        next.careTeam = [];
        return next;
      default:
        return next;
    }
  }
}
