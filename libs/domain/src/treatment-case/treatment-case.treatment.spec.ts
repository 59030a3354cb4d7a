import {
  aligners,
  caseCommand,
  checkId,
  ctxAs,
  history,
  ids,
  newBase,
  orderId,
  planApproved,
  planProposed,
  progressChecked,
  refinementStarted,
  specFor,
} from '../testing';
import type { RecordProgressCheck } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const ortho = ctxAs('orthodontist');

type CheckData = Omit<RecordProgressCheck['data'], 'caseId' | 'entryId'>;
const checkData = (data: Partial<CheckData> = {}): CheckData => ({
  checkId: checkId(9),
  currentStage: 6,
  fit: 'minor_deviation',
  notes: 'Upper left canine not fully seated',
  ...data,
});
const check = (data: Partial<CheckData> = {}) => caseCommand('RecordProgressCheck', checkData(data));
const checked = (data: Partial<CheckData> = {}) => ({
  type: 'ProgressCheckRecorded' as const,
  data: { ...newBase, ...checkData(data) },
});
const refine = (reason = 'Lower canines lagging') => caseCommand('StartRefinement', { reason });
const complete = () => caseCommand('CompleteCase', {});
const cancel = (reason = 'Patient withdrew') => caseCommand('CancelCase', { reason });

/** Shipped stages 1-10 only. */
const firstBatchShipped = () => [...history.planApproved(), aligners.ordered(1, 1, 1, 10), aligners.shipped(1)];

describe('RecordProgressCheck', () => {
  it('records a check in treatment', () => {
    given(history.inTreatment()).when(check(), ortho).then([checked()]);
  });

  it('records a check without notes up to the last shipped stage', () => {
    const { notes: _n, ...data } = checkData({ currentStage: 10, fit: 'tracking' });
    given(firstBatchShipped())
      .when(caseCommand('RecordProgressCheck', data), ortho)
      .then([{ type: 'ProgressCheckRecorded', data: { ...newBase, ...data } }]);
  });

  it('keeps monitoring during a refinement, on the aligners already shipped', () => {
    given([...history.refinement(), planProposed(2, 'refinement')])
      .when(check({ fit: 'off_track' }), ortho)
      .then([checked({ fit: 'off_track' })]);
  });

  describe('refuses', () => {
    it.each([
      ['Open', history.open],
      ['PlanApproved', history.planApproved],
      ['AlignersOrdered', history.alignersOrdered],
    ] as const)('a check before any aligners shipped (%s)', (_status, events) => {
      given(events()).when(check(), ortho).thenThrows('TREATMENT_CASE.NOT_IN_TREATMENT');
    });

    it.each([
      ['a stage not shipped yet', 11],
      ['stage 0', 0],
      ['a fractional stage', 2.5],
    ])('%s', (_label, currentStage) => {
      given(firstBatchShipped()).when(check({ currentStage }), ortho).thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
    });

    it('an unknown fit', () => {
      given(history.inTreatment())
        .when(check({ fit: 'perfect' as never }), ortho)
        .thenThrows('VALIDATION.INVALID_VALUE');
    });

    it('a check id already used', () => {
      given([...history.inTreatment(), progressChecked(1)])
        .when(check({ checkId: checkId(1) }), ortho)
        .thenThrows('TREATMENT_CASE.DUPLICATE_ID');
    });

    it.each(['clinic_staff', 'case_coordinator'] as const)('a %s', (role) => {
      given(history.inTreatment()).when(check(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });
  });
});

describe('StartRefinement', () => {
  it('starts the first refinement of a case in treatment', () => {
    given(history.inTreatment())
      .when(refine(), ortho)
      .then([
        { type: 'RefinementStarted', data: { ...newBase, reason: 'Lower canines lagging', refinementNumber: 1 } },
      ]);
  });

  it('numbers a second refinement after the first one is in treatment', () => {
    const secondCycle = [
      ...history.refinement(),
      planProposed(2, 'refinement'),
      planApproved(2),
      aligners.ordered(2, 2, 1, 20),
      aligners.shipped(2),
    ];
    given(secondCycle)
      .when(refine('Still rotated'), ortho)
      .then([{ type: 'RefinementStarted', data: { ...newBase, reason: 'Still rotated', refinementNumber: 2 } }]);
  });

  it("voids the current plan's orders not shipped yet, which then cannot ship; completion after the refinement is not held by them", () => {
    const withPending = [...history.inTreatment(), aligners.ordered(2, 1, 21, 40)];
    given(withPending)
      .when(refine(), ortho)
      .then([{ type: 'RefinementStarted', data: { ...newBase, reason: 'Lower canines lagging', refinementNumber: 1, voidedOrderIds: [orderId(2)] } }]);
    const refined = [...withPending, { ...refinementStarted(1), data: { ...refinementStarted(1).data, voidedOrderIds: [orderId(2)] } }];
    const error = given(refined).when(caseCommand('RecordShipment', { orderId: orderId(2), carrier: 'DHL' }), ctxAs('case_coordinator')).thenThrows('TREATMENT_CASE.ORDER_VOID');
    expect(error.kind).toBe('conflict');
    const secondPlanShipped = [...refined, planProposed(2, 'refinement'), planApproved(2), aligners.ordered(3, 2, 1, 20), aligners.shipped(3)];
    given(secondPlanShipped).when(complete(), ortho).then([{ type: 'CaseCompleted', data: newBase }]);
    // Without the void (an event from before it was recorded), the pending order still holds completion.
    given([...withPending, refinementStarted(1), planProposed(2, 'refinement'), planApproved(2), aligners.ordered(3, 2, 1, 20), aligners.shipped(3)])
      .when(complete(), ortho)
      .thenThrows('TREATMENT_CASE.ORDERS_UNSHIPPED');
  });

  describe('refuses', () => {
    it.each([
      ['Open', history.open],
      ['PlanProposed', history.planProposed],
      ['PlanApproved', history.planApproved],
      ['AlignersOrdered', history.alignersOrdered],
      ['Refinement', history.refinement],
    ] as const)('a case that is %s', (_status, events) => {
      given(events()).when(refine(), ortho).thenThrows('TREATMENT_CASE.NOT_IN_TREATMENT');
    });

    it('a refinement without a reason', () => {
      given(history.inTreatment()).when(refine(''), ortho).thenThrows('VALIDATION.REASON_REQUIRED');
      given(history.inTreatment()).when(refine('\u200b'), ortho).thenThrows('VALIDATION.REASON_REQUIRED');
    });

    it('a treatment planner', () => {
      given(history.inTreatment()).when(refine(), ctxAs('treatment_planner')).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });
  });
});

describe('CompleteCase', () => {
  it('completes a case in treatment', () => {
    given(history.inTreatment())
      .when(complete(), ortho)
      .then([{ type: 'CaseCompleted', data: newBase }]);
  });

  it.each([
    ['Open', history.open],
    ['AlignersOrdered', history.alignersOrdered],
    ['Refinement', history.refinement],
  ] as const)('refuses a case that is %s', (_status, events) => {
    given(events()).when(complete(), ortho).thenThrows('TREATMENT_CASE.NOT_IN_TREATMENT');
  });

  it('refuses clinic staff', () => {
    given(history.inTreatment()).when(complete(), ctxAs('clinic_staff')).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
  });

  it('refuses while an aligner order is unshipped: its shipment could not be recorded afterwards', () => {
    const error = given([...history.inTreatment(), aligners.ordered(2, 1, 11, 20)])
      .when(complete(), ortho)
      .thenThrows('TREATMENT_CASE.ORDERS_UNSHIPPED');
    expect(error.message).toContain(orderId(2));
    expect(error.kind).toBe('conflict');
  });

  it('completes once that order is shipped', () => {
    given([...history.inTreatment(), aligners.ordered(2, 1, 11, 20), aligners.shipped(2)])
      .when(complete(), ortho)
      .then([{ type: 'CaseCompleted', data: newBase }]);
  });
});

describe('CancelCase', () => {
  it.each([
    ['Open', history.openNoFindings],
    ['PlanProposed', history.planProposed],
    ['InTreatment', history.inTreatment],
    ['Refinement', history.refinement],
  ] as const)('cancels a case that is %s', (_status, events) => {
    given(events())
      .when(cancel(), ctxAs('dentist'))
      .then([{ type: 'CaseCancelled', data: { ...newBase, reason: 'Patient withdrew', voidedOrderIds: [] } }]);
  });

  it('cancels with orders unshipped and names them as void; no shipment can follow', () => {
    const events = [...history.inTreatment(), aligners.ordered(2, 1, 11, 20)];
    const cancelled = {
      type: 'CaseCancelled' as const,
      data: { ...newBase, reason: 'Patient withdrew', voidedOrderIds: [orderId(2)] },
    };
    given(events).when(cancel(), ortho).then([cancelled]);
    given([...events, cancelled])
      .when(caseCommand('RecordShipment', { orderId: orderId(2), carrier: 'DHL' }), ctxAs('case_coordinator'))
      .thenThrows('TREATMENT_CASE.CLOSED');
  });

  it('refuses a cancellation without a reason', () => {
    given(history.open()).when(cancel('   '), ortho).thenThrows('VALIDATION.REASON_REQUIRED');
    given(history.open()).when(cancel('\u200b\ufeff'), ortho).thenThrows('VALIDATION.REASON_REQUIRED');
  });

  it.each(['clinic_staff', 'case_coordinator'] as const)('refuses a %s', (role) => {
    given(history.open()).when(cancel(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
  });

  it('refuses a doctor of another clinic', () => {
    given(history.open())
      .when(cancel(), ctxAs('orthodontist', { clinicId: ids.otherClinic }))
      .thenThrows('ACCESS.CLINIC_MISMATCH');
  });
});
