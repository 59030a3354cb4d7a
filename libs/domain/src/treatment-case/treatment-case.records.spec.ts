import {
  caseCommand,
  ctxAs,
  findingId,
  findingsRecorded,
  history,
  ids,
  NEW_ENTRY,
  newBase,
  scanAttached,
  scanId,
  specFor,
} from '../testing';
import { SCAN_KINDS, type AttachScan, type RecordClinicalFindings } from './treatment-case.commands';
import { MAX_SCAN_BYTES } from './treatment-case.records';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const ortho = ctxAs('orthodontist');
const staff = ctxAs('clinic_staff');

const findingsData = (data: Partial<RecordClinicalFindings['data']> = {}) => ({
  findingId: findingId(9),
  diagnosis: 'Moderate anterior crowding',
  malocclusionClass: 'II_div1' as const,
  conditions: ['crowding' as const, 'deep_bite' as const],
  notes: 'Patient reports clicking jaw',
  measurements: { overjet_mm: 4.5, overbite_mm: 5 },
  ...data,
});
const recordFindings = (data: Partial<RecordClinicalFindings['data']> = {}) =>
  caseCommand('RecordClinicalFindings', findingsData(data));

const scanData = (data: Partial<AttachScan['data']> = {}) => ({
  scanId: scanId(9),
  kind: 'intraoral_3d' as const,
  contentHash: 'b'.repeat(64),
  sizeBytes: 12_000_000,
  storageRef: 'scans/blob-0009',
  arch: 'lower' as const,
  ...data,
});
const attachScan = (data: Partial<AttachScan['data']> = {}) => caseCommand('AttachScan', scanData(data));

describe('RecordClinicalFindings', () => {
  it('records findings on an open case', () => {
    given(history.openNoFindings())
      .when(recordFindings(), ortho)
      .then([{ type: 'ClinicalFindingsRecorded', data: { ...newBase, ...findingsData() } }]);
  });

  it('defaults measurements to none and keeps notes optional', () => {
    const { notes: _n, measurements: _m, ...data } = findingsData({ conditions: [] });
    given(history.openNoFindings())
      .when(caseCommand('RecordClinicalFindings', data), ctxAs('dentist', { userId: ids.dentist }))
      .then([{ type: 'ClinicalFindingsRecorded', data: { ...newBase, ...data, measurements: {} } }]);
  });

  it.each(Object.keys(history).filter((status) => !['completed', 'cancelled'].includes(status)))(
    'accepts findings while the case is %s',
    (status) => {
      given(history[status as keyof typeof history]())
        .when(recordFindings(), ortho)
        .then([{ type: 'ClinicalFindingsRecorded', data: { ...newBase, ...findingsData() } }]);
    },
  );

  describe('refuses', () => {
    it('clinic staff (no clinical notes)', () => {
      given(history.open()).when(recordFindings(), staff).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('a treatment planner', () => {
      given(history.open()).when(recordFindings(), ctxAs('treatment_planner')).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('a finding id already used', () => {
      given(history.open())
        .when(recordFindings({ findingId: findingId(1) }), ortho)
        .thenThrows('TREATMENT_CASE.DUPLICATE_ID');
    });

    it('an entry id already used', () => {
      given([...history.open(), { ...findingsRecorded(2), data: { ...findingsRecorded(2).data, entryId: NEW_ENTRY } }])
        .when(recordFindings(), ortho)
        .thenThrows('TREATMENT_CASE.DUPLICATE_ENTRY');
    });

    it.each([
      ['VALIDATION.INVALID_VALUE', 'an unknown malocclusion class', { malocclusionClass: 'IV' }],
      ['VALIDATION.INVALID_VALUE', 'an unknown condition', { conditions: ['overjet'] }],
      ['VALIDATION.INVALID_VALUE', 'a repeated condition', { conditions: ['spacing', 'spacing'] }],
      ['VALIDATION.INVALID_VALUE', 'conditions that are not a list', { conditions: 'crowding' }],
      ['VALIDATION.REQUIRED', 'an empty diagnosis', { diagnosis: '' }],
      ['VALIDATION.REQUIRED', 'a diagnosis of zero-width characters only', { diagnosis: '\u200b \u2060' }],
      ['VALIDATION.TOO_LONG', 'an overlong diagnosis', { diagnosis: 'd'.repeat(2001) }],
      ['VALIDATION.INVALID_MEASUREMENT', 'a measurement that is not a number', { measurements: { overjet_mm: '4' } }],
      ['VALIDATION.INVALID_MEASUREMENT', 'an infinite measurement', { measurements: { overjet_mm: Infinity } }],
      ['VALIDATION.INVALID_MEASUREMENT', 'an unnamed measurement', { measurements: { '': 1 } }],
      ['VALIDATION.INVALID_MEASUREMENT', 'measurements as a list', { measurements: [1, 2] }],
      ['VALIDATION.INVALID_ID', 'a malformed finding id', { findingId: 'F-1' }],
    ] as const)('%s: %s', (code, _label, data) => {
      given(history.open())
        .when(recordFindings(data as never), ortho)
        .thenThrows(code);
    });

    it('a case that was never opened', () => {
      given([]).when(recordFindings(), ortho).thenThrows('TREATMENT_CASE.NOT_OPENED');
    });

    it('a doctor of another clinic', () => {
      given(history.open())
        .when(recordFindings(), ctxAs('orthodontist', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });
  });
});

describe('AttachScan', () => {
  it.each(['orthodontist', 'dentist', 'clinic_staff'] as const)('lets a %s attach a scan', (role) => {
    given(history.open())
      .when(attachScan(), ctxAs(role))
      .then([{ type: 'ScanAttached', data: { ...newBase, ...scanData() } }]);
  });

  it('attaches a scan without an arch, e.g. a photo', () => {
    const { arch: _a, ...data } = scanData({ kind: 'photo' });
    given(history.inTreatment())
      .when(caseCommand('AttachScan', data), staff)
      .then([{ type: 'ScanAttached', data: { ...newBase, ...data } }]);
  });

  it.each(SCAN_KINDS)('accepts a %s record up to its size ceiling', (kind) => {
    const { arch: _a, ...data } = scanData({ kind, sizeBytes: MAX_SCAN_BYTES[kind] });
    given(history.open())
      .when(caseCommand('AttachScan', data), staff)
      .then([{ type: 'ScanAttached', data: { ...newBase, ...data } }]);
  });

  it('sets the ceilings by kind: a CBCT volume of several GB, a photo of tens of MB', () => {
    expect(MAX_SCAN_BYTES.cbct).toBeGreaterThanOrEqual(8 * 1024 ** 3);
    expect(MAX_SCAN_BYTES.intraoral_3d).toBeGreaterThanOrEqual(15_000_000);
    expect(MAX_SCAN_BYTES.photo).toBeLessThanOrEqual(100 * 1024 ** 2);
  });

  it('attaches new scans during a refinement', () => {
    given(history.refinement())
      .when(attachScan(), staff)
      .then([{ type: 'ScanAttached', data: { ...newBase, ...scanData() } }]);
  });

  describe('refuses', () => {
    it.each([
      ['upper-case hex', 'B'.repeat(64)],
      ['a short digest', 'b'.repeat(63)],
      ['non-hex characters', 'z'.repeat(64)],
    ])('a content hash in %s', (_label, contentHash) => {
      given(history.open()).when(attachScan({ contentHash }), staff).thenThrows('VALIDATION.INVALID_CONTENT_HASH');
    });

    it.each([0, -1, 1.5])('a size of %p bytes', (sizeBytes) => {
      given(history.open()).when(attachScan({ sizeBytes }), staff).thenThrows('VALIDATION.INVALID_SIZE');
    });

    it.each(SCAN_KINDS)('a %s record one byte over its ceiling, and a size of MAX_SAFE_INTEGER', (kind) => {
      const { arch: _a, ...data } = scanData({ kind });
      for (const sizeBytes of [MAX_SCAN_BYTES[kind] + 1, Number.MAX_SAFE_INTEGER]) {
        given(history.open()).when(caseCommand('AttachScan', { ...data, sizeBytes }), staff).thenThrows('VALIDATION.INVALID_SIZE');
      }
    });

    it.each(SCAN_KINDS.filter((kind) => kind !== 'intraoral_3d'))('an arch on a %s record', (kind) => {
      given(history.open())
        .when(attachScan({ kind, sizeBytes: 1_000_000, arch: 'upper' }), staff)
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it.each([
      ['kind', { kind: 'mri' }],
      ['arch', { arch: 'left' }],
    ])('an unknown %s', (_field, data) => {
      given(history.open())
        .when(attachScan(data as never), staff)
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it('a missing storage reference', () => {
      given(history.open())
        .when(attachScan({ storageRef: '' }), staff)
        .thenThrows('VALIDATION.REQUIRED');
    });

    it('a scan id already attached', () => {
      given([...history.open(), scanAttached(2)])
        .when(attachScan({ scanId: scanId(2) }), staff)
        .thenThrows('TREATMENT_CASE.DUPLICATE_ID');
    });

    it.each(['treatment_planner', 'case_coordinator'] as const)('a %s', (role) => {
      given(history.open()).when(attachScan(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('staff of another clinic', () => {
      given(history.open())
        .when(attachScan(), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });
  });
});

describe('treatment consent on commands that carry treatment forward', () => {
  it('refuses them without an active treatment consent snapshot, and leaves the record-keeping commands open', () => {
    for (const patientConsent of [undefined, { treatment: false }]) {
      given(history.openNoFindings()).when(recordFindings({ patientConsent }), ortho).thenThrows('TREATMENT_CASE.CONSENT_REQUIRED');
      given(history.openNoFindings()).when(caseCommand('AttachScan', { ...scanData(), patientConsent }), ortho).thenThrows('TREATMENT_CASE.CONSENT_REQUIRED');
    }
    given(history.openNoFindings()).when(caseCommand('CancelCase', { reason: 'consent withdrawn', patientConsent: { treatment: false } }), ortho).then([
      { type: 'CaseCancelled', data: { ...newBase, reason: 'consent withdrawn', voidedOrderIds: [] } },
    ]);
  });

  it('keeps the snapshot out of the event', () => {
    given(history.openNoFindings()).when(recordFindings(), ortho).then([{ type: 'ClinicalFindingsRecorded', data: { ...newBase, ...withoutConsent(findingsData()) } }]);
  });
});

function withoutConsent<T extends { patientConsent?: unknown }>(data: T): Omit<T, 'patientConsent'> {
  const { patientConsent: _snapshot, ...rest } = data;
  return rest;
}
