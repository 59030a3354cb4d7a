import { type CaseEvent, type CaseState, evolveCase, nextAction } from '@ortholedger/domain';
import type { EventStore } from '@ortholedger/event-store';

/** The read models' plain facts computed straight from the decrypted log, with no projector code. */
export interface Oracle {
  directory: Map<string, { clinicId: string; careTeam: string[]; name: unknown; dateOfBirth: string; chartNumber: string; contact: unknown; updatedAt: string }>;
  careTeam: Set<string>;
  board: Map<string, { status: string; nextAction: string; patientId: string; clinicId: string }>;
  timeline: Set<string>;
  events: number;
}

export async function oracleFromLog(store: EventStore): Promise<Oracle> {
  const o: Oracle = { directory: new Map(), careTeam: new Set(), board: new Map(), timeline: new Set(), events: 0 };
  const cases = new Map<string, CaseState>();
  const boardClinic = new Map<string, string>(); // case -> its patient's clinic: at opening (the patient's), then every transfer
  const transferredTo = new Map<string, string>(); // patient -> the clinic of their latest transfer
  let from;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5000 });
    if (page.length === 0) break;
    from = page[page.length - 1].position;
    for (const e of page) {
      o.events++;
      if (e.redacted || !(e.streamId.startsWith('patient-') || e.streamId.startsWith('case-'))) continue;
      const d = JSON.parse(Buffer.from(e.data).toString('utf8'));
      if (e.streamId.startsWith('case-')) {
        cases.set(d.caseId, evolveCase(cases.get(d.caseId) ?? { status: 'NotOpened' }, { type: e.type, data: d } as CaseEvent));
        // A case opened after its patient's transfer (a race the command cannot see) belongs to the patient's clinic.
        if (e.type === 'CaseOpened') boardClinic.set(d.caseId, transferredTo.get(d.patientId) ?? d.clinicId);
        o.timeline.add(e.eventId);
        continue;
      }
      const row = o.directory.get(d.patientId);
      switch (e.type) {
        case 'PatientRegistered':
          o.directory.set(d.patientId, { clinicId: d.clinicId, careTeam: [], name: d.name, dateOfBirth: d.dateOfBirth, chartNumber: d.chartNumber, contact: d.contact, updatedAt: d.occurredAt });
          break;
        case 'PatientDemographicsCorrected':
          Object.assign(row!, d.corrections, { updatedAt: d.occurredAt });
          break;
        case 'CareTeamMemberAssigned':
          if (!row!.careTeam.includes(d.userId)) row!.careTeam.push(d.userId);
          row!.updatedAt = d.occurredAt;
          o.careTeam.add(`${d.patientId}|${d.userId}`);
          break;
        case 'CareTeamMemberRemoved':
          row!.careTeam = row!.careTeam.filter((u) => u !== d.userId);
          row!.updatedAt = d.occurredAt;
          o.careTeam.delete(`${d.patientId}|${d.userId}`);
          break;
        case 'PatientTransferred':
          transferredTo.set(d.patientId, d.toClinicId);
          for (const [caseId, c] of cases) if (c.status !== 'NotOpened' && c.patientId === d.patientId) boardClinic.set(caseId, d.toClinicId);
          for (const u of row!.careTeam) o.careTeam.delete(`${d.patientId}|${u}`);
          Object.assign(row!, { clinicId: d.toClinicId, careTeam: [], updatedAt: d.occurredAt });
          break;
      }
    }
  }
  for (const [id, s] of cases) {
    if (s.status !== 'NotOpened') o.board.set(id, { status: s.status, nextAction: nextAction(s), patientId: s.patientId, clinicId: boardClinic.get(id)! });
  }
  for (const row of o.directory.values()) row.careTeam.sort();
  return o;
}
