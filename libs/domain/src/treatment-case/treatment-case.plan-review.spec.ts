import {
  caseCommand,
  cancelled,
  ctxAs,
  history,
  ids,
  newBase,
  opened,
  findingsRecorded,
  planId,
  planProposed,
  specFor,
} from '../testing';
import type { RevisionComment } from './treatment-case.commands';
import { treatmentCaseDecider } from './treatment-case.decider';

const given = specFor(treatmentCaseDecider);
const treating = ctxAs('orthodontist');
const approve = (version = 1, id = planId(version)) => caseCommand('ApprovePlan', { planId: id, version });
const requestRevision = (comments: RevisionComment[], version = 1) =>
  caseCommand('RequestPlanRevision', { planId: planId(version), version, comments });
const approved = (version = 1) => ({
  type: 'TreatmentPlanApproved' as const,
  data: { ...newBase, planId: planId(version), version, approvedBy: ids.orthodontist },
});
const COMMENTS: RevisionComment[] = [
  { text: 'Too much IPR between the lower incisors', tooth: 41, stage: 3 },
  { text: 'Add an attachment on the upper right canine' },
  { text: 'Slow down the final stages', stage: 18 },
];

/** The common refusals of both plan decisions. */
const decisions = [
  ['ApprovePlan', (version = 1, id = planId(version)) => approve(version, id)],
  [
    'RequestPlanRevision',
    (version = 1, id = planId(version)) =>
      caseCommand('RequestPlanRevision', { planId: id, version, comments: COMMENTS }),
  ],
] as const;

describe('ApprovePlan', () => {
  it('approves the latest proposed version', () => {
    given(history.planProposed())
      .when(approve(1), treating)
      .then([approved(1)]);
  });

  it('approves version 2 after a revision of version 1', () => {
    given([...history.revisionRequested(), planProposed(2)])
      .when(approve(2), treating)
      .then([approved(2)]);
  });

  it('approves a refinement plan', () => {
    given([...history.refinement(), planProposed(2, 'refinement')])
      .when(approve(2), treating)
      .then([approved(2)]);
  });

  it('lets a dentist approve as the treating doctor', () => {
    const dentistCase = { ...opened(), data: { ...opened().data, treatingOrthodontistId: ids.dentist } };
    given([dentistCase, findingsRecorded(), planProposed(1)])
      .when(approve(1), ctxAs('dentist'))
      .then([{ ...approved(1), data: { ...approved(1).data, approvedBy: ids.dentist } }]);
  });
});

describe('RequestPlanRevision', () => {
  it('sends the latest version back with comments tied to teeth and stages', () => {
    given(history.planProposed())
      .when(requestRevision(COMMENTS), treating)
      .then([
        {
          type: 'PlanRevisionRequested',
          data: { ...newBase, planId: planId(1), version: 1, comments: COMMENTS, requestedBy: ids.orthodontist },
        },
      ]);
  });

  it.each([
    ['no comments', [], 'VALIDATION.COMMENTS_REQUIRED'],
    ['an empty comment', [{ text: ' ' }], 'VALIDATION.REQUIRED'],
    ['a comment on an invalid tooth', [{ text: 'Check this', tooth: 19 }], 'VALIDATION.INVALID_TOOTH'],
    ['a comment on tooth 00', [{ text: 'Check this', tooth: 0 }], 'VALIDATION.INVALID_TOOTH'],
    ['a comment after the last stage', [{ text: 'Check this', stage: 21 }], 'VALIDATION.STAGE_OUT_OF_RANGE'],
    [
      'a lower-tooth comment after the last lower stage',
      [{ text: 'Check this', tooth: 41, stage: 19 }],
      'VALIDATION.STAGE_OUT_OF_RANGE',
    ],
  ] as const)('refuses %s', (_label, comments, code) => {
    given(history.planProposed())
      .when(requestRevision(comments as unknown as RevisionComment[]), treating)
      .thenThrows(code);
  });

  it('refuses comments that are not a list', () => {
    given(history.planProposed())
      .when(requestRevision('fix it' as never), treating)
      .thenThrows('VALIDATION.COMMENTS_REQUIRED');
  });
});

describe('plan decisions pass to the care team only when the treating orthodontist handed them over or can no longer act', () => {
  const receiving = ctxAs('orthodontist', { userId: ids.otherOrthodontist, clinicId: ids.otherClinic });
  const colleague = ctxAs('orthodontist', { userId: ids.otherOrthodontist });
  type Facts = { patientCareTeam: string[]; patientLeftTeam?: string[]; treatingDoctorActive?: boolean; patientClinicId?: string };
  const withTeam = (command: ReturnType<typeof approve>, facts: Facts) => ({ ...command, data: { ...command.data, patientClinicId: ids.clinic, ...facts } });
  const approvedBy = (userId: string) => [{ type: 'TreatmentPlanApproved' as const, data: { ...newBase, planId: planId(1), version: 1, approvedBy: userId } }];

  it('after a transfer (the treating orthodontist is not of the new clinic), pass to an orthodontist of the receiving team; the former treating orthodontist and a dentist are refused', () => {
    const transferred = (command: ReturnType<typeof approve>) =>
      withTeam(command, { patientCareTeam: [ids.otherOrthodontist], treatingDoctorActive: false, patientClinicId: ids.otherClinic });
    given(history.planProposed()).when(transferred(approve()), receiving).then(approvedBy(ids.otherOrthodontist));
    given(history.planProposed()).when(transferred(approve()), treating).thenThrows('ACCESS.CLINIC_MISMATCH');
    given(history.planProposed())
      .when(transferred(approve()), ctxAs('dentist', { clinicId: ids.otherClinic }))
      .thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
  });

  it('when the treating orthodontist left the team themselves, pass to the team\'s orthodontists (not to one outside the team)', () => {
    const left = { patientCareTeam: [ids.otherOrthodontist], patientLeftTeam: [ids.orthodontist] };
    given(history.planProposed()).when(withTeam(approve(), left), colleague).then(approvedBy(ids.otherOrthodontist));
    given(history.planProposed()).when(withTeam(approve(), { ...left, patientCareTeam: [ids.dentist] }), colleague).thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
  });

  it('when the treating orthodontist\'s account is disabled or no longer a clinician of the clinic, pass to the team\'s orthodontists, even while still on the team', () => {
    const inactive = { patientCareTeam: [ids.orthodontist, ids.otherOrthodontist], treatingDoctorActive: false };
    given(history.planProposed()).when(withTeam(approve(), inactive), colleague).then(approvedBy(ids.otherOrthodontist));
  });

  it('a colleague who removed the treating orthodontist from the team does not become the decider; the treating one still is', () => {
    const removedByColleague = { patientCareTeam: [ids.otherOrthodontist], patientLeftTeam: [], treatingDoctorActive: true };
    given(history.planProposed()).when(withTeam(approve(), removedByColleague), colleague).thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
    given(history.planProposed()).when(withTeam(approve(), removedByColleague), treating).then(approvedBy(ids.orthodontist));
  });

  it('while the treating orthodontist is on the team and active, the decision stays theirs; one who left and rejoined decides again', () => {
    const onTeam = { patientCareTeam: [ids.orthodontist, ids.otherOrthodontist], patientLeftTeam: [ids.orthodontist], treatingDoctorActive: true };
    given(history.planProposed()).when(withTeam(approve(), onTeam), colleague).thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
    given(history.planProposed()).when(withTeam(approve(), onTeam), treating).then(approvedBy(ids.orthodontist));
  });

  it('without a transfer the receiving clinic is refused as before', () => {
    given(history.planProposed()).when(approve(), receiving).thenThrows('ACCESS.CLINIC_MISMATCH');
  });
});

describe.each(decisions)('%s refuses', (_type, decide) => {
  it('a doctor who is not the treating orthodontist', () => {
    given(history.planProposed())
      .when(decide(), ctxAs('orthodontist', { userId: ids.otherOrthodontist }))
      .thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
    given(history.planProposed())
      .when(decide(), ctxAs('dentist'))
      .thenThrows('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
  });

  it.each(['treatment_planner', 'clinic_staff', 'case_coordinator', 'compliance_officer'] as const)('a %s', (role) => {
    given(history.planProposed()).when(decide(), ctxAs(role)).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
  });

  it('the treating orthodontist acting from another clinic', () => {
    given(history.planProposed())
      .when(decide(), ctxAs('orthodontist', { clinicId: ids.otherClinic }))
      .thenThrows('ACCESS.CLINIC_MISMATCH');
  });

  it('a case with no plan proposed', () => {
    given(history.open()).when(decide(), treating).thenThrows('TREATMENT_CASE.PLAN_NOT_PROPOSED');
  });

  it('an older version once a newer one is proposed', () => {
    given([...history.planProposed(), planProposed(2)])
      .when(decide(1), treating)
      .thenThrows('TREATMENT_CASE.PLAN_NOT_LATEST');
    given([...history.revisionRequested(), planProposed(2)])
      .when(decide(1), treating)
      .thenThrows('TREATMENT_CASE.PLAN_NOT_LATEST');
  });

  it('a version already approved', () => {
    given(history.planApproved()).when(decide(1), treating).thenThrows('TREATMENT_CASE.PLAN_ALREADY_DECIDED');
  });

  it('a version already sent back', () => {
    given(history.revisionRequested()).when(decide(1), treating).thenThrows('TREATMENT_CASE.PLAN_ALREADY_DECIDED');
  });

  it('the old approved plan during a refinement', () => {
    given(history.refinement()).when(decide(1), treating).thenThrows('TREATMENT_CASE.PLAN_ALREADY_DECIDED');
  });

  it.each([
    ['a version never proposed', 2, planId(2)],
    ['a plan id that does not match the version', 1, planId(7)],
    ['a fractional version', 0.5, planId(1)],
  ])('%s', (_label, version, id) => {
    given(history.planProposed()).when(decide(version, id), treating).thenThrows('TREATMENT_CASE.PLAN_NOT_FOUND');
  });

  it('a closed case', () => {
    given([...history.planProposed(), cancelled()])
      .when(decide(), treating)
      .thenThrows('TREATMENT_CASE.CLOSED');
  });
});
