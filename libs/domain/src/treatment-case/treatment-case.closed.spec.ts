import type { Role } from '../shared/actor';
import {
  caseCommand,
  checkId,
  ctxAs,
  entryId,
  findingId,
  history,
  ids,
  NEW_ENTRY,
  newBase,
  orderId,
  planContent,
  planId,
  scanId,
  specFor,
} from '../testing';
import { foldEvents } from '../shared/decider';
import type { CaseCommand } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);

/** One valid command per non-opening command type, with a role allowed to send it. */
const EVERY_COMMAND: Array<[Role, CaseCommand]> = [
  [
    'orthodontist',
    caseCommand('RecordClinicalFindings', {
      findingId: findingId(9),
      diagnosis: 'Spacing',
      malocclusionClass: 'I',
      conditions: ['spacing'],
    }),
  ],
  [
    'clinic_staff',
    caseCommand('AttachScan', {
      scanId: scanId(9),
      kind: 'photo',
      contentHash: 'c'.repeat(64),
      sizeBytes: 10,
      storageRef: 'scans/x',
    }),
  ],
  [
    'treatment_planner',
    caseCommand('ProposeTreatmentPlan', { planId: planId(2), version: 2, series: 'initial', ...planContent() }),
  ],
  ['orthodontist', caseCommand('ApprovePlan', { planId: planId(1), version: 1 })],
  [
    'orthodontist',
    caseCommand('RequestPlanRevision', { planId: planId(1), version: 1, comments: [{ text: 'Less IPR' }] }),
  ],
  ['case_coordinator', caseCommand('OrderAligners', { orderId: orderId(9), planVersion: 1, stageFrom: 1, stageTo: 2 })],
  ['case_coordinator', caseCommand('RecordShipment', { orderId: orderId(1), carrier: 'UPS' })],
  ['orthodontist', caseCommand('RecordProgressCheck', { checkId: checkId(9), currentStage: 2, fit: 'tracking' })],
  ['orthodontist', caseCommand('StartRefinement', { reason: 'Lagging' })],
  ['orthodontist', caseCommand('CompleteCase', {})],
  ['orthodontist', caseCommand('CancelCase', { reason: 'Withdrew' })],
  [
    'orthodontist',
    caseCommand('CorrectEntry', {
      correctsEntryId: entryId(101),
      reason: 'Typo',
      replacement: { diagnosis: 'Spacing' },
    }),
  ],
];

describe.each(EVERY_COMMAND.map(([role, command]) => [command.type, role, command] as const))(
  '%s sent by a %s',
  (_type, role, command) => {
    // Corrections are the exception: see 'CorrectEntry on a closed case' below.
    if (command.type !== 'CorrectEntry') {
      it('is refused on a completed case', () => {
        given(history.completed()).when(command, ctxAs(role)).thenThrows('TREATMENT_CASE.CLOSED');
      });

      it('is refused on a cancelled case', () => {
        given(history.cancelled()).when(command, ctxAs(role)).thenThrows('TREATMENT_CASE.CLOSED');
      });
    }

    it('is refused on a case never opened', () => {
      given([]).when(command, ctxAs(role)).thenThrows('TREATMENT_CASE.NOT_OPENED');
    });

    it('is refused when routed to the wrong case', () => {
      given(history.open())
        .when({ ...command, data: { ...command.data, caseId: ids.patient } } as CaseCommand, ctxAs(role))
        .thenThrows('VALIDATION.ID_MISMATCH');
    });

    it('is refused when its entry id is already in the case', () => {
      given(history.open())
        .when({ ...command, data: { ...command.data, entryId: entryId(1) } } as CaseCommand, ctxAs(role))
        .thenThrows('TREATMENT_CASE.DUPLICATE_ENTRY');
    });

    it('is refused without a valid entry id', () => {
      given(history.open())
        .when({ ...command, data: { ...command.data, entryId: 'e-1' } } as CaseCommand, ctxAs(role))
        .thenThrows('VALIDATION.INVALID_ID');
    });
  },
);

it('refuses re-opening a closed case', () => {
  const reopen = caseCommand('OpenCase', {
    patientId: ids.patient,
    clinicId: ids.clinic,
    treatingOrthodontistId: ids.orthodontist,
    arches: 'both',
    patientConsent: { treatment: true },
  });
  given(history.completed()).when(reopen, ctxAs('orthodontist')).thenThrows('TREATMENT_CASE.ALREADY_OPENED');
  expect(reopen.data.entryId).toBe(NEW_ENTRY);
});

describe('CorrectEntry on a closed case', () => {
  const fixDiagnosis = () =>
    caseCommand('CorrectEntry', {
      correctsEntryId: entryId(101),
      reason: 'Wrong diagnosis entered',
      replacement: { diagnosis: 'Class II crowding' },
    });
  const corrected = {
    type: 'EntryCorrected' as const,
    data: {
      ...newBase,
      correctsEntryId: entryId(101),
      correctedType: 'ClinicalFindingsRecorded' as const,
      reason: 'Wrong diagnosis entered',
      replacement: { diagnosis: 'Class II crowding' },
    },
  };

  it.each([
    ['completed', history.completed, 'Completed'],
    ['cancelled', history.cancelled, 'Cancelled'],
  ] as const)('amends the record of a %s case and leaves it closed', (_label, events, status) => {
    const written = given(events()).when(fixDiagnosis(), ctxAs('orthodontist')).then([corrected]);
    const after = foldEvents(treatmentCaseDecider, [...events(), ...written]);
    expect(after.status).toBe(status);
  });

  it('remembers the correction: its entry id cannot be reused, and other commands stay refused', () => {
    const events = [...history.completed(), corrected];
    given(events).when(fixDiagnosis(), ctxAs('orthodontist')).thenThrows('TREATMENT_CASE.DUPLICATE_ENTRY');
    given(events)
      .when(caseCommand('StartRefinement', { reason: 'Relapse' }), ctxAs('orthodontist'))
      .thenThrows('TREATMENT_CASE.CLOSED');
  });

  it('keeps the other rules of corrections: role, clinic, routing', () => {
    given(history.completed()).when(fixDiagnosis(), ctxAs('clinic_staff')).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    given(history.completed())
      .when(fixDiagnosis(), ctxAs('orthodontist', { clinicId: ids.otherClinic }))
      .thenThrows('ACCESS.CLINIC_MISMATCH');
    given(history.cancelled())
      .when({ ...fixDiagnosis(), data: { ...fixDiagnosis().data, caseId: ids.patient } }, ctxAs('orthodontist'))
      .thenThrows('VALIDATION.ID_MISMATCH');
  });
});
