import {
  aligners,
  caseCommand,
  ctxAs,
  findingsRecorded,
  history,
  ids,
  newBase,
  opened,
  orderId,
  planApproved,
  planId,
  planProposed,
  specFor,
} from '../testing';
import { foldEvents } from '../shared/decider';
import type { OrderAligners } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const ortho = ctxAs('orthodontist');
const coordinator = ctxAs('case_coordinator');

type OrderData = Omit<OrderAligners['data'], 'caseId' | 'entryId'>;
const orderData = (data: Partial<OrderData> = {}): OrderData => ({
  orderId: orderId(9),
  planVersion: 1,
  stageFrom: 1,
  stageTo: 20,
  ...data,
});
const order = (data: Partial<OrderData> = {}) => caseCommand('OrderAligners', orderData(data));
const ordered = (data: Partial<OrderData> = {}) => {
  const values = orderData(data);
  return { type: 'AlignersOrdered' as const, data: { ...newBase, ...values, planId: planId(values.planVersion) } };
};
const ship = (n: number, trackingRef?: string) =>
  caseCommand('RecordShipment', { orderId: orderId(n), carrier: 'UPS', ...(trackingRef ? { trackingRef } : {}) });

/** Refinement: plan 2 proposed and approved after the first aligners shipped. */
const refinementApproved = () => [...history.refinement(), planProposed(2, 'refinement'), planApproved(2)];

describe('OrderAligners', () => {
  it.each([
    ['the treating orthodontist', ortho],
    ['a case coordinator', coordinator],
  ])('lets %s order all stages of the approved plan', (_who, ctx) => {
    given(history.planApproved()).when(order(), ctx).then([ordered()]);
  });

  it('orders a partial range, and the rest later while awaiting shipment or in treatment', () => {
    given(history.planApproved())
      .when(order({ stageTo: 10 }), ortho)
      .then([ordered({ stageTo: 10 })]);
    given(history.alignersOrdered())
      .when(order({ stageFrom: 11 }), ortho)
      .then([ordered({ stageFrom: 11 })]);
    given(history.inTreatment())
      .when(order({ stageFrom: 5, stageTo: 5 }), ortho)
      .then([ordered({ stageFrom: 5, stageTo: 5 })]);
  });

  it('orders the approved refinement plan', () => {
    given(refinementApproved())
      .when(order({ planVersion: 2 }), ortho)
      .then([ordered({ planVersion: 2 })]);
  });

  describe('refuses', () => {
    it('a plan that is only proposed', () => {
      given(history.planProposed()).when(order(), ortho).thenThrows('TREATMENT_CASE.PLAN_NOT_APPROVED');
    });

    it('a plan sent back for revision', () => {
      given(history.revisionRequested()).when(order(), ortho).thenThrows('TREATMENT_CASE.PLAN_NOT_APPROVED');
    });

    it('a case without any plan', () => {
      given(history.open()).when(order(), ortho).thenThrows('TREATMENT_CASE.PLAN_NOT_APPROVED');
    });

    it('a version that does not exist', () => {
      given(history.planApproved())
        .when(order({ planVersion: 3 }), ortho)
        .thenThrows('TREATMENT_CASE.PLAN_NOT_FOUND');
    });

    it('the superseded plan once a refinement plan is approved', () => {
      given(refinementApproved())
        .when(order({ planVersion: 1 }), ortho)
        .thenThrows('TREATMENT_CASE.PLAN_NOT_LATEST');
    });

    it('the current plan while a refinement is under way', () => {
      given(history.refinement()).when(order(), ortho).thenThrows('TREATMENT_CASE.NOT_ALLOWED_IN_STATUS');
    });

    it.each([
      ['beyond the last stage', { stageTo: 21 }],
      ['from stage 0', { stageFrom: 0 }],
      ['from a fractional stage', { stageFrom: 1.5 }],
    ])('a range %s', (_label, data) => {
      given(history.planApproved()).when(order(data), ortho).thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
    });

    it('a range that runs backwards', () => {
      given(history.planApproved())
        .when(order({ stageFrom: 12, stageTo: 4 }), ortho)
        .thenThrows('VALIDATION.INVALID_STAGE_RANGE');
    });

    it('stages beyond a single-arch plan', () => {
      const plan = {
        ...planProposed(1),
        data: { ...planProposed(1).data, stages: { lower: 8 }, alignerCount: 8, attachments: [], ipr: [] },
      };
      given([opened('lower'), findingsRecorded(), plan, planApproved(1)])
        .when(order({ stageTo: 9 }), ortho)
        .thenThrows('VALIDATION.STAGE_OUT_OF_RANGE');
    });

    it('an order id already used', () => {
      given(history.alignersOrdered())
        .when(order({ orderId: orderId(1) }), ortho)
        .thenThrows('TREATMENT_CASE.DUPLICATE_ID');
    });

    it.each(['clinic_staff', 'treatment_planner', 'support'] as const)('a %s', (role) => {
      given(history.planApproved()).when(order(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });

    it('a doctor of another clinic', () => {
      given(history.planApproved())
        .when(order(), ctxAs('dentist', { clinicId: ids.otherClinic }))
        .thenThrows('ACCESS.CLINIC_MISMATCH');
    });
  });
});

describe('RecordShipment', () => {
  it('records a shipment, which puts the case in treatment', () => {
    const events = given(history.alignersOrdered())
      .when(ship(1, 'JD014600006281'), coordinator)
      .then([
        {
          type: 'AlignersShipped',
          data: { ...newBase, orderId: orderId(1), carrier: 'UPS', trackingRef: 'JD014600006281' },
        },
      ]);
    expect(foldEvents(treatmentCaseDecider, [...history.alignersOrdered(), ...events]).status).toBe('InTreatment');
  });

  it('records a later batch without a tracking reference and stays in treatment', () => {
    const events = [...history.inTreatment(), aligners.ordered(2, 1, 1, 20)];
    given(events)
      .when(ship(2), coordinator)
      .then([{ type: 'AlignersShipped', data: { ...newBase, orderId: orderId(2), carrier: 'UPS' } }]);
  });

  describe('refuses', () => {
    it('an order that does not exist', () => {
      given(history.alignersOrdered()).when(ship(5), coordinator).thenThrows('TREATMENT_CASE.ORDER_NOT_FOUND');
    });

    it('an order already shipped', () => {
      given(history.inTreatment()).when(ship(1), coordinator).thenThrows('TREATMENT_CASE.ORDER_ALREADY_SHIPPED');
    });

    it('a missing carrier', () => {
      given(history.alignersOrdered())
        .when(caseCommand('RecordShipment', { orderId: orderId(1), carrier: '' }), coordinator)
        .thenThrows('VALIDATION.REQUIRED');
    });

    it.each(['orthodontist', 'clinic_staff', 'treatment_planner'] as const)('a %s', (role) => {
      given(history.alignersOrdered()).when(ship(1), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    });
  });
});
