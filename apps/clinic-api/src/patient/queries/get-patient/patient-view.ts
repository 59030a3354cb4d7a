import type {
  CareTeamRole, ConsentGiver, ConsentStatus, ConsentType, ContactDetails, Demographics, Guardian, PatientEvent, PersonName,
} from '@ortholedger/domain';
import { supersedes } from '@ortholedger/domain';

export interface PatientView {
  patientId: string;
  clinicId: string;
  registeredAt: string;
  registeredBy: string;
  name: PersonName;
  dateOfBirth: string;
  contact: ContactDetails;
  chartNumber: string;
  guardian?: Guardian;
  consents: Partial<Record<ConsentType, { status: ConsentStatus; formVersion: string; givenBy: ConsentGiver; recordedAt: string; lapsed?: true }>>;
  careTeam: { userId: string; role: CareTeamRole }[];
  /** When demographics were last corrected, if ever (the corrections themselves are events). */
  correctedAt?: string;
  revision: number;
}

type Draft = Omit<PatientView, 'revision'>;

/**
 * The current patient record folded from its stream. The domain state keeps no demographics (no
 * rule needs them), so the view applies registrations and corrections itself.
 */
export function patientView(events: readonly PatientEvent[], revision: bigint): PatientView | undefined {
  let view: Draft | undefined;
  for (const event of events) view = apply(view, event);
  return view && { ...view, revision: Number(revision) };
}

function apply(view: Draft | undefined, event: PatientEvent): Draft | undefined {
  if (event.type === 'PatientRegistered') {
    const { patientId, clinicId, occurredAt, registeredBy, name, dateOfBirth, contact, chartNumber, guardian } = event.data;
    return { patientId, clinicId, registeredAt: occurredAt, registeredBy, name, dateOfBirth, contact, chartNumber, ...(guardian ? { guardian } : {}), consents: {}, careTeam: [] };
  }
  if (!view) return view;
  switch (event.type) {
    case 'PatientDemographicsCorrected': {
      const { guardian, ...fields } = event.data.corrections;
      const next: Draft = { ...view, ...(fields as Partial<Demographics>), correctedAt: event.data.occurredAt };
      if (guardian === null) {
        delete next.guardian;
        // As the patient state has it: the removed guardian's consents lapse.
        next.consents = Object.fromEntries(Object.entries(view.consents).map(([type, r]) => [type, r.givenBy === 'guardian' && r.status === 'granted' ? { ...r, lapsed: true as const } : r]));
      }
      else if (guardian !== undefined) next.guardian = guardian;
      return next;
    }
    case 'CareTeamMemberAssigned':
      return { ...view, careTeam: [...view.careTeam.filter((m) => m.userId !== event.data.userId), { userId: event.data.userId, role: event.data.role }] };
    case 'CareTeamMemberRemoved':
      return { ...view, careTeam: view.careTeam.filter((m) => m.userId !== event.data.userId) };
    case 'ConsentRecorded': {
      const { consentType, status, formVersion, givenBy, recordedAt } = event.data;
      const record = { status, formVersion, givenBy, recordedAt };
      // The same rule as the patient state: the consent given last is current, whatever the entry order.
      if (!supersedes(record, view.consents[consentType])) return view;
      return { ...view, consents: { ...view.consents, [consentType]: record } };
    }
    case 'PatientTransferred':
      return { ...view, clinicId: event.data.toClinicId, careTeam: [] };
    default:
      return view;
  }
}
