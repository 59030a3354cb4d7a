import { foldEvents } from '../shared/decider';
import { aligners, caseCommand, ctxAs, entryId, history, ids, NOW, planApproved, planProposed, uuid } from '../testing';
import type { CaseCommand } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';
import type { CaseEvent } from './treatment-case.events';
import { nextAction } from './treatment-case.next-action';
import { summarizeCaseEvent } from './treatment-case.summary';

describe('nextAction', () => {
  it.each([
    ['openNoFindings', 'awaiting_findings'],
    ['open', 'awaiting_plan'],
    ['planProposed', 'awaiting_approval'],
    ['revisionRequested', 'awaiting_plan'],
    ['planApproved', 'awaiting_order'],
    ['alignersOrdered', 'awaiting_shipment'],
    ['inTreatment', 'in_treatment'],
    ['refinement', 'awaiting_plan'],
    ['completed', 'closed'],
    ['cancelled', 'closed'],
  ] as const)('a case that is %s is %s', (status, action) => {
    expect(nextAction(foldEvents(treatmentCaseDecider, history[status]()))).toBe(action);
  });

  it('says so for a case never opened', () => {
    expect(nextAction(treatmentCaseDecider.initialState())).toBe('not_opened');
  });
});

describe('a whole case, driven through decide and evolve only', () => {
  it('runs from opening through a refinement to completion, with plan versions continuing across series', () => {
    let state = treatmentCaseDecider.initialState();
    const log: CaseEvent[] = [];
    let n = 0;
    const run = (command: CaseCommand, role: Parameters<typeof ctxAs>[0]) => {
      const withEntry = { ...command, data: { ...command.data, entryId: uuid(5000 + ++n) } } as CaseCommand;
      for (const event of treatmentCaseDecider.decide(withEntry, state, ctxAs(role))) {
        state = treatmentCaseDecider.evolve(state, event);
        log.push(event);
      }
      return nextAction(state);
    };
    const plan = (version: number, series: 'initial' | 'refinement') =>
      caseCommand('ProposeTreatmentPlan', {
        planId: uuid(6000 + version),
        version,
        series,
        stages: { upper: 10, lower: 10 },
        alignerCount: 20,
        attachments: [{ tooth: 23, stage: 1 }],
        ipr: [{ contact: [31, 41], stage: 2, amountMm: 0.1 }],
        wearScheduleDays: 10,
      });

    expect(
      run(
        caseCommand('OpenCase', {
          patientId: ids.patient,
          clinicId: ids.clinic,
          treatingOrthodontistId: ids.orthodontist,
          arches: 'both',
          patientConsent: { treatment: true },
        }),
        'orthodontist',
      ),
    ).toBe('awaiting_findings');
    expect(
      run(
        caseCommand('RecordClinicalFindings', {
          findingId: uuid(7001),
          diagnosis: 'Crowding',
          malocclusionClass: 'I',
          conditions: ['crowding'],
        }),
        'dentist',
      ),
    ).toBe('awaiting_plan');
    expect(run(plan(1, 'initial'), 'treatment_planner')).toBe('awaiting_approval');
    expect(
      run(
        caseCommand('RequestPlanRevision', {
          planId: uuid(6001),
          version: 1,
          comments: [{ text: 'More torque', tooth: 11 }],
        }),
        'orthodontist',
      ),
    ).toBe('awaiting_plan');
    expect(run(plan(2, 'initial'), 'treatment_planner')).toBe('awaiting_approval');
    expect(run(caseCommand('ApprovePlan', { planId: uuid(6002), version: 2 }), 'orthodontist')).toBe('awaiting_order');
    expect(
      run(
        caseCommand('OrderAligners', { orderId: uuid(8001), planVersion: 2, stageFrom: 1, stageTo: 10 }),
        'case_coordinator',
      ),
    ).toBe('awaiting_shipment');
    expect(run(caseCommand('RecordShipment', { orderId: uuid(8001), carrier: 'DHL' }), 'case_coordinator')).toBe(
      'in_treatment',
    );
    expect(
      run(
        caseCommand('RecordProgressCheck', { checkId: uuid(9001), currentStage: 8, fit: 'off_track' }),
        'orthodontist',
      ),
    ).toBe('in_treatment');
    expect(run(caseCommand('StartRefinement', { reason: 'Off track at stage 8' }), 'orthodontist')).toBe(
      'awaiting_plan',
    );
    expect(run(plan(3, 'refinement'), 'treatment_planner')).toBe('awaiting_approval');
    expect(run(caseCommand('ApprovePlan', { planId: uuid(6003), version: 3 }), 'orthodontist')).toBe('awaiting_order');
    expect(
      run(
        caseCommand('OrderAligners', { orderId: uuid(8002), planVersion: 3, stageFrom: 1, stageTo: 10 }),
        'orthodontist',
      ),
    ).toBe('awaiting_shipment');
    expect(run(caseCommand('RecordShipment', { orderId: uuid(8002), carrier: 'DHL' }), 'case_coordinator')).toBe(
      'in_treatment',
    );
    expect(run(caseCommand('CompleteCase', {}), 'orthodontist')).toBe('closed');

    expect(log.map((e) => e.type)).toEqual([
      'CaseOpened',
      'ClinicalFindingsRecorded',
      'TreatmentPlanProposed',
      'PlanRevisionRequested',
      'TreatmentPlanProposed',
      'TreatmentPlanApproved',
      'AlignersOrdered',
      'AlignersShipped',
      'ProgressCheckRecorded',
      'RefinementStarted',
      'TreatmentPlanProposed',
      'TreatmentPlanApproved',
      'AlignersOrdered',
      'AlignersShipped',
      'CaseCompleted',
    ]);
    expect(state).toMatchObject({ status: 'Completed', series: 'refinement', refinements: 1, closedAt: NOW });
    expect(new Set(log.map((e) => e.data.entryId)).size).toBe(log.length);
    for (const event of log)
      expect(event.data).toMatchObject({ caseId: ids.case, patientId: ids.patient, occurredAt: NOW });
    // Replaying the stored (JSON) history gives the same state.
    expect(foldEvents(treatmentCaseDecider, JSON.parse(JSON.stringify(log)))).toEqual(state);
  });

  it('ignores events that cannot follow the history when replaying (no throw on odd storage)', () => {
    const stray = aligners.shipped(9);
    expect(foldEvents(treatmentCaseDecider, [stray])).toEqual({ status: 'NotOpened' });
    const closed = foldEvents(treatmentCaseDecider, history.completed());
    expect(treatmentCaseDecider.evolve(closed, planProposed(2))).toBe(closed);
  });
});

describe('summarizeCaseEvent', () => {
  const all: CaseEvent[] = [
    ...history.inTreatment(),
    {
      type: 'PlanRevisionRequested',
      data: {
        caseId: ids.case,
        patientId: ids.patient,
        entryId: entryId(501),
        occurredAt: NOW,
        planId: uuid(501),
        version: 1,
        comments: [{ text: 'Too much IPR on 41' }],
        requestedBy: ids.orthodontist,
      },
    },
    ...history.refinement().slice(-1),
    planApproved(1),
    {
      type: 'ProgressCheckRecorded',
      data: {
        caseId: ids.case,
        patientId: ids.patient,
        entryId: entryId(801),
        occurredAt: NOW,
        checkId: uuid(701),
        currentStage: 4,
        fit: 'tracking',
        notes: 'Patient complains of soreness',
      },
    },
    {
      type: 'EntryCorrected',
      data: {
        caseId: ids.case,
        patientId: ids.patient,
        entryId: entryId(951),
        occurredAt: NOW,
        correctsEntryId: entryId(101),
        correctedType: 'ClinicalFindingsRecorded',
        reason: 'Wrong patient notes',
        replacement: { notes: 'Bruxism suspected', diagnosis: 'Spacing' },
      },
    },
    ...history.completed().slice(-1),
    ...history.cancelled().slice(-1),
  ];

  it('covers every event type and keeps kinds distinct', () => {
    const kinds = new Set(all.map((event) => summarizeCaseEvent(event).kind));
    expect(kinds.size).toBe(13);
  });

  it('gives type-level facts such as plan version and stage count', () => {
    expect(summarizeCaseEvent(planProposed(2))).toEqual({
      kind: 'plan_proposed',
      planId: uuid(502),
      version: 2,
      series: 'initial',
      stages: 20,
      alignerCount: 38,
    });
    expect(summarizeCaseEvent(all.find((e) => e.type === 'EntryCorrected')!)).toMatchObject({
      fields: ['diagnosis', 'notes'],
    });
  });

  it('never carries clinical free text', () => {
    const text = JSON.stringify(all.map(summarizeCaseEvent));
    for (const phi of [
      'Crooked',
      'crowding',
      'Retract',
      'soreness',
      'Bruxism',
      'Spacing',
      'IPR on 41',
      'Lagging',
      'lagging',
      'relocating',
      'Wrong patient',
      'scans/blob',
      'aaaa',
    ]) {
      expect(text).not.toContain(phi);
    }
  });
});
