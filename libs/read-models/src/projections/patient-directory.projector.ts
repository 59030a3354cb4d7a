import type { ContactDetails, DemographicsCorrection, PersonName } from '@ortholedger/domain';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { isPatientStream } from '../runner/decode-event';
import type { BatchChanges, ProjectedEvent, Projection, ProjectionContext } from '../runner/projection';
import { DIRECTORY, type DirectoryRowState, fromStored, indexFields, openDemographics, toStored } from './patient-directory.row';
import { Orphans } from './orphans';
import { bulkWrite, type Column, deleteByIds, selectByIds } from './bulk-write';
import type { PatientDirectoryTable } from '../schema/read-model.db';

const COLUMNS: readonly Column[] = [
  ['patient_id', 'uuid'], ['clinic_id', 'uuid'], ['care_team', 'uuid[]'], ['status', 'text'], ['registered_at', 'timestamptz'],
  ['updated_at', 'timestamptz'], ['pos_commit', 'bigint'], ['pos_prepare', 'bigint'], ['demographics', 'bytea'],
  ['chart_number_bidx', 'text'], ['email_bidx', 'text'], ['phone_bidx', 'text'], ['dob_bidx', 'text'],
  ['chart_number_tag', 'bytea'], ['email_tag', 'bytea'], ['phone_tag', 'bytea'], ['dob_tag', 'bytea'],
];

const TYPES = new Set(['PatientRegistered', 'PatientDemographicsCorrected', 'CareTeamMemberAssigned', 'CareTeamMemberRemoved', 'PatientTransferred']);

/** One row per patient: clinic, care team and status in clear; demographics encrypted; blind indexes for exact lookups. */
export class PatientDirectoryProjection implements Projection {
  readonly name = DIRECTORY;
  /** 2: confirmation tags beside the blind indexes. */
  readonly version = 2;
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
      for (const row of await selectByIds<PatientDirectoryTable>(ctx, DIRECTORY, 'patient_id', ids)) rows.set(row.patient_id, fromStored(row));
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
    await bulkWrite(ctx, DIRECTORY, COLUMNS, upserts as unknown as Record<string, unknown>[], { key: ['patient_id'], update: 'all' });
    for (const id of dirty) changes.subjects.add(id);
    const redacted = [...new Set(events.filter((e) => e.redacted).map((e) => e.subjectId!))];
    if (redacted.length > 0) {
      await this.eraseSubjects(redacted, ctx);
      for (const id of redacted) changes.subjects.add(id);
    }
  }

  async eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void> {
    await deleteByIds(ctx, DIRECTORY, 'patient_id', subjectIds);
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
        demographics: { plain: { name: d.name as PersonName, dateOfBirth: d.dateOfBirth as string, contact: (d.contact ?? {}) as ContactDetails, chartNumber: d.chartNumber as string } },
        bidx: { chart: '', email: null, phone: null, dob: '' },
        tags: { chart: null, email: null, phone: null, dob: null },
      };
    }
    if (!row) return 'orphan';
    const next: DirectoryRowState = { ...row, bidx: { ...row.bidx }, tags: { ...row.tags }, updatedAt: d.occurredAt, position: event.position };
    switch (event.type) {
      case 'PatientDemographicsCorrected': {
        const c = d.corrections as DemographicsCorrection;
        const current = 'plain' in row.demographics ? row.demographics.plain : openDemographics(this.keys, row.patientId, row.demographics.cipher);
        next.demographics = {
          plain: {
            name: c.name ?? current.name,
            dateOfBirth: c.dateOfBirth ?? current.dateOfBirth,
            contact: c.contact ?? current.contact,
            chartNumber: c.chartNumber ?? current.chartNumber,
          },
        };
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
