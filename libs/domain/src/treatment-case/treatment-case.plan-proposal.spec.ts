import {
  caseCommand,
  cancelled,
  ctxAs,
  findingsRecorded,
  history,
  ids,
  newBase,
  opened,
  planContent,
  planId,
  planProposed,
  specFor,
} from '../testing';
import type { ProposeTreatmentPlan } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const planner = ctxAs('treatment_planner');

type Data = Omit<ProposeTreatmentPlan['data'], 'caseId' | 'entryId'>;
const proposalData = (version = 1, data: Partial<Data> = {}): Data => ({
  planId: planId(version),
  version,
  series: 'initial',
  ...planContent(),
  ...data,
});
const propose = (version = 1, data: Partial<Data> = {}) =>
  caseCommand('ProposeTreatmentPlan', proposalData(version, data));
const proposed = (version = 1, data: Partial<Data> = {}) => ({
  type: 'TreatmentPlanProposed' as const,
  data: { ...newBase, ...proposalData(version, data), proposedBy: ids.planner },
});

describe('ProposeTreatmentPlan', () => {
  it('proposes version 1 once findings are recorded', () => {
    given(history.open())
      .when(propose(1), planner)
      .then([proposed(1)]);
  });

  it('proposes version 2 after a revision request', () => {
    given(history.revisionRequested())
      .when(propose(2), planner)
      .then([proposed(2)]);
  });

  it('proposes version 2 while version 1 is pending, superseding it', () => {
    given(history.planProposed())
      .when(propose(2), planner)
      .then([proposed(2)]);
  });

  it('continues the version numbers in a refinement series', () => {
    given(history.refinement())
      .when(propose(2, { series: 'refinement' }), planner)
      .then([proposed(2, { series: 'refinement' })]);
  });

  it('stores IPR contacts low tooth first', () => {
    const ipr = [{ contact: [22, 21] as [number, number], stage: 2, amountMm: 0.05 }];
    given(history.open())
      .when(propose(1, { ipr }), planner)
      .then([proposed(1, { ipr: [{ contact: [21, 22], stage: 2, amountMm: 0.05 }] })]);
  });

  it('spreads IPR at one contact over stages up to 0.5 mm in total', () => {
    const ipr: Data['ipr'] = [
      { contact: [11, 21], stage: 2, amountMm: 0.1 },
      { contact: [21, 11], stage: 4, amountMm: 0.2 },
      { contact: [11, 21], stage: 6, amountMm: 0.2 },
      { contact: [21, 22], stage: 6, amountMm: 0.5 },
    ];
    const stored = ipr.map((entry) => ({ ...entry, contact: [...entry.contact].sort() as [number, number] }));
    given(history.open()).when(propose(1, { ipr }), planner).then([proposed(1, { ipr: stored })]);
  });

  it('plans a single arch with primary teeth', () => {
    const data = {
      stages: { upper: 12 },
      alignerCount: 12,
      attachments: [{ tooth: 53, stage: 12 }],
      ipr: [{ contact: [51, 61] as [number, number], stage: 1, amountMm: 0.5 }],
    };
    given([opened('upper'), findingsRecorded()])
      .when(propose(1, data), planner)
      .then([proposed(1, data)]);
  });

  it('plans without notes, attachments or IPR', () => {
    const { notes: _n, ...data } = proposalData(1, { attachments: [], ipr: [] });
    given(history.open())
      .when(caseCommand('ProposeTreatmentPlan', data), planner)
      .then([{ type: 'TreatmentPlanProposed', data: { ...newBase, ...data, proposedBy: ids.planner } }]);
  });

  describe('refuses', () => {
    it('a plan before clinical findings', () => {
      given(history.openNoFindings()).when(propose(1), planner).thenThrows('TREATMENT_CASE.FINDINGS_REQUIRED');
    });

    it.each([
      ['a skipped version', history.open, 2],
      ['a skipped version after revisions', history.revisionRequested, 3],
      ['a repeated version', history.revisionRequested, 1],
      ['version 0', history.open, 0],
      ['a fractional version', history.open, 1.5],
    ] as const)('%s', (_label, events, version) => {
      given(events())
        .when(propose(version, { planId: planId(9) }), planner)
        .thenThrows('TREATMENT_CASE.PLAN_VERSION_NOT_NEXT');
    });

    it('a refinement plan outside a refinement', () => {
      given(history.open())
        .when(propose(1, { series: 'refinement' }), planner)
        .thenThrows('TREATMENT_CASE.PLAN_SERIES_MISMATCH');
    });

    it('an initial plan inside a refinement', () => {
      given(history.refinement()).when(propose(2), planner).thenThrows('TREATMENT_CASE.PLAN_SERIES_MISMATCH');
    });

    it.each([
      ['PlanApproved', history.planApproved],
      ['AlignersOrdered', history.alignersOrdered],
      ['InTreatment', history.inTreatment],
    ] as const)('a new plan while the case is %s', (_status, events) => {
      given(events()).when(propose(2), planner).thenThrows('TREATMENT_CASE.NOT_ALLOWED_IN_STATUS');
    });

    it.each(['orthodontist', 'dentist', 'clinic_staff', 'case_coordinator'] as const)('a %s', (role) => {
      given(history.open()).when(propose(1), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it.each([19, 29, 56, 90, 0, 10, 49, -11, 13.5])('an attachment on invalid tooth %p', (tooth) => {
      given(history.open())
        .when(propose(1, { attachments: [{ tooth, stage: 1 }] }), planner)
        .thenThrows('VALIDATION.INVALID_TOOTH');
    });

    it.each([
      [19, 18],
      [29, 28],
      [56, 55],
      [90, 91],
      [0, 11],
    ])('IPR on invalid tooth %p|%p', (a, b) => {
      given(history.open())
        .when(propose(1, { ipr: [{ contact: [a, b], stage: 1, amountMm: 0.2 }] }), planner)
        .thenThrows('VALIDATION.INVALID_TOOTH');
    });

    it.each([
      [11, 22],
      [11, 13],
      [13, 43],
      [11, 41],
      [12, 22],
      [16, 16],
    ])('IPR between non-adjacent teeth %p|%p', (a, b) => {
      given(history.open())
        .when(propose(1, { ipr: [{ contact: [a, b], stage: 1, amountMm: 0.2 }] }), planner)
        .thenThrows('VALIDATION.INVALID_IPR_CONTACT');
    });

    it('an IPR contact that is not a pair', () => {
      const ipr = [{ contact: [11, 12, 13] as unknown as [number, number], stage: 1, amountMm: 0.2 }];
      given(history.open()).when(propose(1, { ipr }), planner).thenThrows('VALIDATION.INVALID_IPR_CONTACT');
    });

    it('the same IPR contact twice at one stage, in either order', () => {
      const ipr: Data['ipr'] = [
        { contact: [11, 12], stage: 2, amountMm: 0.2 },
        { contact: [12, 11], stage: 2, amountMm: 0.1 },
      ];
      given(history.open()).when(propose(1, { ipr }), planner).thenThrows('VALIDATION.DUPLICATE_IPR');
    });

    it.each([0.04, 0.51, 0, -0.1, NaN])('an IPR amount of %p mm', (amountMm) => {
      given(history.open())
        .when(propose(1, { ipr: [{ contact: [11, 21], stage: 1, amountMm }] }), planner)
        .thenThrows('VALIDATION.IPR_AMOUNT_OUT_OF_RANGE');
    });

    it('IPR at one contact totalling more than 0.5 mm across stages (0.5 mm at every stage, or just over)', () => {
      const ipr = Array.from({ length: 20 }, (_, i) => ({ contact: [11, 21] as [number, number], stage: i + 1, amountMm: 0.5 }));
      given(history.open()).when(propose(1, { ipr }), planner).thenThrows('VALIDATION.IPR_AMOUNT_OUT_OF_RANGE');
      const justOver: Data['ipr'] = [
        { contact: [11, 21], stage: 1, amountMm: 0.3 },
        { contact: [21, 11], stage: 2, amountMm: 0.25 },
      ];
      const error = given(history.open()).when(propose(1, { ipr: justOver }), planner).thenThrows('VALIDATION.IPR_AMOUNT_OUT_OF_RANGE');
      expect(error.message).toBe('ipr[1]: IPR at contact 11|21 totals more than 0.5 mm over the plan');
    });

    it('two attachments on one tooth', () => {
      const attachments = [
        { tooth: 13, stage: 1 },
        { tooth: 13, stage: 4 },
      ];
      given(history.open()).when(propose(1, { attachments }), planner).thenThrows('VALIDATION.DUPLICATE_ATTACHMENT');
    });

    it('a tooth in an arch the case does not treat', () => {
      const data = { stages: { upper: 12 }, alignerCount: 12, ipr: [] };
      given([opened('upper'), findingsRecorded()])
        .when(propose(1, { ...data, attachments: [{ tooth: 33, stage: 1 }] }), planner)
        .thenThrows('VALIDATION.ARCH_NOT_TREATED');
      given([opened('upper'), findingsRecorded()])
        .when(propose(1, { ...data, attachments: [], ipr: [{ contact: [31, 41], stage: 1, amountMm: 0.1 }] }), planner)
        .thenThrows('VALIDATION.ARCH_NOT_TREATED');
    });

    it.each([
      ['a missing arch', { upper: 20 }],
      ['an extra arch', { upper: 20, lower: 18, middle: 3 }],
      ['no stages', {}],
    ])('stages with %s', (_label, stages) => {
      given(history.open())
        .when(propose(1, { stages: stages as never }), planner)
        .thenThrows('VALIDATION.STAGES_DO_NOT_MATCH_ARCHES');
    });

    it('lower stages on an upper-only case', () => {
      given([opened('upper'), findingsRecorded()])
        .when(propose(1, { stages: { upper: 10, lower: 10 }, alignerCount: 20, attachments: [], ipr: [] }), planner)
        .thenThrows('VALIDATION.STAGES_DO_NOT_MATCH_ARCHES');
    });

    it.each([0, 101, 2.5])('%p stages in an arch', (upper) => {
      given(history.open())
        .when(propose(1, { stages: { upper, lower: 18 } }), planner)
        .thenThrows('VALIDATION.STAGE_COUNT_OUT_OF_RANGE');
    });

    it.each([
      ['an attachment after the last upper stage', { attachments: [{ tooth: 13, stage: 21 }] }],
      ['a lower attachment after the last lower stage', { attachments: [{ tooth: 43, stage: 19 }] }],
      ['an attachment at stage 0', { attachments: [{ tooth: 13, stage: 0 }] }],
      ['IPR after the last stage', { ipr: [{ contact: [41, 42] as [number, number], stage: 19, amountMm: 0.1 }] }],
    ])('%s', (_label, data) => {
      given(history.open()).when(propose(1, data), planner).thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
    });

    it('an aligner count that is not one per stage per arch', () => {
      given(history.open())
        .when(propose(1, { alignerCount: 20 }), planner)
        .thenThrows('VALIDATION.ALIGNER_COUNT_MISMATCH');
    });

    it.each([4, 22, 7.5])('a wear schedule of %p days', (wearScheduleDays) => {
      given(history.open())
        .when(propose(1, { wearScheduleDays }), planner)
        .thenThrows('VALIDATION.WEAR_SCHEDULE_OUT_OF_RANGE');
    });

    it('a malformed plan id', () => {
      given(history.open())
        .when(propose(1, { planId: 'plan-1' }), planner)
        .thenThrows('VALIDATION.INVALID_ID');
    });

    it('a proposal on a closed case', () => {
      given([...history.revisionRequested(), cancelled()])
        .when(propose(2), planner)
        .thenThrows('TREATMENT_CASE.CLOSED');
    });
  });

  it('keeps the planner out of clinic checks: back-office roles belong to no clinic', () => {
    given(history.open())
      .when(propose(1), ctxAs('treatment_planner', { userId: ids.coordinator }))
      .then([{ type: 'TreatmentPlanProposed', data: { ...proposed(1).data, proposedBy: ids.coordinator } }]);
    expect(planProposed(1).data.version).toBe(1);
  });
});
