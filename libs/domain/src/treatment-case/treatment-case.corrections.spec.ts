import type { Role } from '../shared/actor';
import {
  aligners, caseCommand, completed, ctxAs, entryId, history, newBase, planApproved, planProposed, progressChecked, refinementStarted, scanAttached, specFor,
} from '../testing';
import type { CorrectableEventType } from './treatment-case.events';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const REASON = 'Entered on the wrong chart line';
const correct = (correctsEntryId: string, replacement: Record<string, unknown>, reason = REASON) =>
  caseCommand('CorrectEntry', { correctsEntryId, reason, replacement });
const corrected = (
  correctsEntryId: string,
  correctedType: CorrectableEventType,
  replacement: Record<string, unknown>,
) => ({
  type: 'EntryCorrected' as const,
  data: { ...newBase, correctsEntryId, correctedType, reason: REASON, replacement },
});

/** Entry numbers of the fixture history (see testing/treatment-case.fixtures). */
const ENTRY = {
  opened: entryId(1),
  findings: entryId(101),
  scan: entryId(201),
  plan: entryId(301),
  approval: entryId(401),
  order: entryId(601),
  shipment: entryId(701),
  check: entryId(801),
};
const withCheck = () => [...history.inTreatment(), progressChecked(1)];

describe('CorrectEntry', () => {
  it.each<[string, CorrectableEventType, string, Record<string, unknown>, Role]>([
    ['the chief complaint', 'CaseOpened', ENTRY.opened, { chiefComplaint: 'Gap between front teeth' }, 'orthodontist'],
    [
      'clinical findings',
      'ClinicalFindingsRecorded',
      ENTRY.findings,
      { malocclusionClass: 'III', conditions: ['crossbite'], notes: 'Revised' },
      'dentist',
    ],
    [
      'finding measurements',
      'ClinicalFindingsRecorded',
      ENTRY.findings,
      { measurements: { overjet_mm: -1 } },
      'orthodontist',
    ],
    ['the arch of a scan', 'ScanAttached', ENTRY.scan, { arch: 'lower' }, 'clinic_staff'],
    ['the kind of a scan, clearing its arch', 'ScanAttached', ENTRY.scan, { kind: 'photo', arch: null }, 'orthodontist'],
    [
      'a shipment’s tracking reference',
      'AlignersShipped',
      ENTRY.shipment,
      { trackingRef: 'JD0002', carrier: 'FedEx' },
      'case_coordinator',
    ],
    [
      'the stage of a progress check',
      'ProgressCheckRecorded',
      ENTRY.check,
      { currentStage: 7, fit: 'off_track' },
      'orthodontist',
    ],
  ])('corrects %s, pointing at the original entry', (_label, type, target, replacement, role) => {
    given(withCheck())
      .when(correct(target, replacement), ctxAs(role))
      .then([corrected(target, type, replacement)]);
  });

  describe('a scan correction is checked against the scan as it will read (its facts so far)', () => {
    const photo = { ...scanAttached(2), data: { ...scanAttached(2).data, kind: 'photo' as const, sizeBytes: 2_000_000, arch: undefined } };
    const cbct = { ...scanAttached(3), data: { ...scanAttached(3).data, kind: 'cbct' as const, sizeBytes: 10 * 1024 ** 3, arch: undefined } };
    const scans = () => [...history.open(), photo, cbct];

    it('refuses a new kind that cannot have the arch the scan keeps', () => {
      given(scans()).when(correct(ENTRY.scan, { kind: 'photo' }), ctxAs('orthodontist')).thenThrows('VALIDATION.INVALID_VALUE');
    });

    it('refuses an arch on a photo', () => {
      given(scans()).when(correct(photo.data.entryId, { arch: 'lower' }), ctxAs('clinic_staff')).thenThrows('VALIDATION.INVALID_VALUE');
    });

    it("refuses a kind whose ceiling the scan's size exceeds", () => {
      given(scans()).when(correct(cbct.data.entryId, { kind: 'photo' }), ctxAs('orthodontist')).thenThrows('VALIDATION.INVALID_SIZE');
      given(scans())
        .when(correct(cbct.data.entryId, { kind: 'panoramic' }), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.INVALID_SIZE');
    });

    it('follows earlier corrections: once a scan is corrected to a photo, an arch is refused', () => {
      const first = corrected(ENTRY.scan, 'ScanAttached', { kind: 'photo', arch: null });
      const firstEntry = { ...first, data: { ...first.data, entryId: entryId(950) } };
      given([...scans(), firstEntry]).when(correct(ENTRY.scan, { arch: 'upper' }), ctxAs('orthodontist')).thenThrows('VALIDATION.INVALID_VALUE');
      given([...scans(), firstEntry])
        .when(correct(ENTRY.scan, { kind: 'intraoral_3d', arch: 'upper' }), ctxAs('orthodontist'))
        .then([corrected(ENTRY.scan, 'ScanAttached', { kind: 'intraoral_3d', arch: 'upper' })]);
    });
  });

  it('corrects the same entry twice: each correction is its own entry', () => {
    const first = corrected(ENTRY.findings, 'ClinicalFindingsRecorded', { diagnosis: 'Mild crowding' });
    const firstEntry = { ...first, data: { ...first.data, entryId: entryId(950) } };
    given([...history.open(), firstEntry])
      .when(correct(ENTRY.findings, { diagnosis: 'Severe crowding' }), ctxAs('orthodontist'))
      .then([corrected(ENTRY.findings, 'ClinicalFindingsRecorded', { diagnosis: 'Severe crowding' })]);
  });

  it('trims corrected text as the original command would', () => {
    given(history.open())
      .when(correct(ENTRY.findings, { diagnosis: '  Mild crowding ' }), ctxAs('orthodontist'))
      .then([corrected(ENTRY.findings, 'ClinicalFindingsRecorded', { diagnosis: 'Mild crowding' })]);
  });

  describe('refuses', () => {
    it('a diagnosis or reason made only of zero-width characters', () => {
      given(history.open())
        .when(correct(ENTRY.findings, { diagnosis: '\u200b\u200b' }), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.REQUIRED');
      given(history.open())
        .when(correct(ENTRY.findings, { diagnosis: 'Mild crowding' }, '\u200b \ufeff'), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.REASON_REQUIRED');
    });

    it('a scan corrected to a photo of an arch', () => {
      given(history.open())
        .when(correct(ENTRY.scan, { kind: 'photo', arch: 'upper' }), ctxAs('clinic_staff'))
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it('an entry that is not in the case', () => {
      given(history.open())
        .when(correct(entryId(4242), { diagnosis: 'x' }), ctxAs('orthodontist'))
        .thenThrows('TREATMENT_CASE.ENTRY_NOT_FOUND');
    });

    it.each([
      ['a plan proposal', ENTRY.plan],
      ['a plan approval', ENTRY.approval],
      ['an order', ENTRY.order],
    ])('correcting %s (decisions are superseded, not corrected)', (_label, target) => {
      given(history.inTreatment())
        .when(correct(target, { stageTo: 12 }), ctxAs('orthodontist'))
        .thenThrows('TREATMENT_CASE.ENTRY_NOT_CORRECTABLE');
    });

    it('correcting a correction', () => {
      const first = corrected(ENTRY.findings, 'ClinicalFindingsRecorded', { diagnosis: 'Mild crowding' });
      const firstEntry = { ...first, data: { ...first.data, entryId: entryId(950) } };
      given([...history.open(), firstEntry])
        .when(correct(entryId(950), { diagnosis: 'Severe crowding' }), ctxAs('orthodontist'))
        .thenThrows('TREATMENT_CASE.ENTRY_NOT_CORRECTABLE');
    });

    it.each<[string, string, Role]>([
      ['clinic staff correcting findings', ENTRY.findings, 'clinic_staff'],
      ['a coordinator correcting findings', ENTRY.findings, 'case_coordinator'],
      ['a doctor correcting a shipment', ENTRY.shipment, 'orthodontist'],
      ['a planner correcting anything', ENTRY.scan, 'treatment_planner'],
    ])('%s', (_label, target, role) => {
      given(withCheck())
        .when(correct(target, { notes: 'x' }), ctxAs(role))
        .thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it.each([
      ['an identity field of a finding', ENTRY.findings, { findingId: entryId(77) }],
      ['the content hash of a scan', ENTRY.scan, { contentHash: 'd'.repeat(64) }],
      ['the storage reference of a scan', ENTRY.scan, { storageRef: 'scans/other' }],
      ['a field with an odd name', ENTRY.findings, { 'no such field!': 1 }],
    ])('%s', (_label, target, replacement) => {
      given(history.open())
        .when(correct(target, replacement), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED');
    });

    it('names a field some entry type corrects, and no other key: a key is client text and may be a name', () => {
      const known = given(history.open()).when(correct(ENTRY.findings, { carrier: 'DHL' }), ctxAs('orthodontist')).thenThrows('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED');
      expect(known.message).toBe('carrier of ClinicalFindingsRecorded cannot be corrected');
      const unknown = given(history.open()).when(correct(ENTRY.findings, { MariaLopez: 1 }), ctxAs('orthodontist')).thenThrows('VALIDATION.CORRECTION_FIELD_NOT_ALLOWED');
      expect(unknown.message).not.toContain('MariaLopez');
    });

    it.each([
      ['an empty replacement', {}],
      ['only undefined fields', { diagnosis: undefined }],
      ['a replacement that is not an object', ['diagnosis'] as never],
    ])('%s', (_label, replacement) => {
      given(history.open())
        .when(correct(ENTRY.findings, replacement), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.EMPTY_CORRECTION');
    });

    it('a correction without a reason', () => {
      given(history.open())
        .when(correct(ENTRY.findings, { diagnosis: 'Spacing' }, ''), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.REASON_REQUIRED');
    });

    it.each([
      ['VALIDATION.INVALID_VALUE', ENTRY.findings, { malocclusionClass: 'IV' }],
      ['VALIDATION.REQUIRED', ENTRY.findings, { diagnosis: '' }],
      ['VALIDATION.REQUIRED', ENTRY.opened, { chiefComplaint: ' ' }],
      ['VALIDATION.INVALID_VALUE', ENTRY.scan, { arch: 'left' }],
      ['VALIDATION.STAGE_OUT_OF_RANGE', ENTRY.check, { currentStage: 21 }],
      ['VALIDATION.INVALID_MEASUREMENT', ENTRY.findings, { measurements: { overjet_mm: 'four' } }],
    ] as const)('a replacement value failing with %s', (code, target, replacement) => {
      given(withCheck()).when(correct(target, replacement), ctxAs('orthodontist')).thenThrows(code);
    });

    it('a progress-check stage beyond the aligners shipped', () => {
      const partial = [
        ...history.planApproved(),
        aligners.ordered(1, 1, 1, 5),
        aligners.shipped(1),
        progressChecked(1, 3),
      ];
      given(partial)
        .when(correct(ENTRY.check, { currentStage: 6 }), ctxAs('orthodontist'))
        .thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
    });

    it('a progress-check stage shipped only after the check was recorded (the patient could not wear it then)', () => {
      const later = [
        ...history.planApproved(),
        aligners.ordered(1, 1, 1, 5),
        aligners.shipped(1),
        progressChecked(1, 3),
        aligners.ordered(2, 1, 6, 20),
        aligners.shipped(2),
      ];
      given(later).when(correct(ENTRY.check, { currentStage: 15 }), ctxAs('orthodontist')).thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
      given(later)
        .when(correct(ENTRY.check, { currentStage: 5 }), ctxAs('orthodontist'))
        .then([corrected(ENTRY.check, 'ProgressCheckRecorded', { currentStage: 5 })]);
    });

    it('an old check is corrected within the plan worn then, also after a refinement and after closing', () => {
      // Checked at stage 18 of the initial plan (20 stages shipped); since then a refinement plan,
      // of which stages 1-5 have shipped.
      const refined = [
        ...history.inTreatment(), progressChecked(1, 18), refinementStarted(1),
        planProposed(2, 'refinement'), planApproved(2), aligners.ordered(2, 2, 1, 5), aligners.shipped(2),
      ];
      given(refined)
        .when(correct(ENTRY.check, { currentStage: 17 }), ctxAs('orthodontist'))
        .then([corrected(ENTRY.check, 'ProgressCheckRecorded', { currentStage: 17 })]);
      given([...history.inTreatment(), progressChecked(1, 18), completed()])
        .when(correct(ENTRY.check, { currentStage: 20 }), ctxAs('orthodontist'))
        .then([corrected(ENTRY.check, 'ProgressCheckRecorded', { currentStage: 20 })]);
    });
  });
});
