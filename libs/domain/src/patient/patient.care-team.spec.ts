import { careTeamAssigned, ctxAs, ids, NOW, registered, specFor } from '../testing';
import type { AssignCareTeamMember, RemoveCareTeamMember } from './patient.commands';
import type { PatientEvent } from './patient.events';
import { patientDecider } from './patient.decider';
import { isCareTeamMember } from './patient.state';
import { foldEvents } from '../shared/decider';

const given = specFor(patientDecider);
const staff = ctxAs('clinic_staff');
const base = { patientId: ids.patient, occurredAt: NOW };

const assign = (userId: string, role: AssignCareTeamMember['data']['role']): AssignCareTeamMember => ({
  type: 'AssignCareTeamMember',
  data: { patientId: ids.patient, userId, role },
});
const remove = (userId: string): RemoveCareTeamMember => ({
  type: 'RemoveCareTeamMember',
  data: { patientId: ids.patient, userId },
});

describe('AssignCareTeamMember', () => {
  it('adds a member with a clinic role', () => {
    given([registered()])
      .when(assign(ids.orthodontist, 'orthodontist'), staff)
      .then([{ type: 'CareTeamMemberAssigned', data: { ...base, userId: ids.orthodontist, role: 'orthodontist' } }]);
  });

  it('changes the role of an existing member, keeping the previous role on record', () => {
    given([registered(), careTeamAssigned(ids.dentist, 'clinic_staff')])
      .when(assign(ids.dentist, 'dentist'), staff)
      .then([
        {
          type: 'CareTeamMemberAssigned',
          data: { ...base, userId: ids.dentist, role: 'dentist', previousRole: 'clinic_staff' },
        },
      ]);
  });

  it('refuses assigning a member again with the same role', () => {
    given([registered(), careTeamAssigned(ids.orthodontist, 'orthodontist')])
      .when(assign(ids.orthodontist, 'orthodontist'), staff)
      .thenThrows('PATIENT.ALREADY_ON_CARE_TEAM');
  });

  it('refuses a back-office role on the care team', () => {
    given([registered()])
      .when(assign(ids.planner, 'treatment_planner' as never), staff)
      .thenThrows('VALIDATION.INVALID_VALUE');
  });

  it('refuses a malformed user id', () => {
    given([registered()]).when(assign('dr-who', 'orthodontist'), staff).thenThrows('VALIDATION.INVALID_ID');
  });

  it('refuses an unregistered patient', () => {
    given([]).when(assign(ids.orthodontist, 'orthodontist'), staff).thenThrows('PATIENT.NOT_REGISTERED');
  });

  it('refuses a command routed to the wrong patient', () => {
    const command = { ...assign(ids.orthodontist, 'orthodontist') };
    command.data = { ...command.data, patientId: ids.case };
    given([registered()]).when(command, staff).thenThrows('VALIDATION.ID_MISMATCH');
  });

  it('refuses staff of another clinic', () => {
    given([registered()])
      .when(assign(ids.orthodontist, 'orthodontist'), ctxAs('clinic_staff', { clinicId: ids.otherClinic }))
      .thenThrows('ACCESS.CLINIC_MISMATCH');
  });

  it('refuses the back office', () => {
    given([registered()])
      .when(assign(ids.orthodontist, 'orthodontist'), ctxAs('case_coordinator'))
      .thenThrows('ACCESS.ROLE_NOT_ALLOWED');
  });
});

describe('RemoveCareTeamMember', () => {
  it('removes a member', () => {
    const history = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), careTeamAssigned(ids.dentist, 'dentist')];
    const events = given(history)
      .when(remove(ids.orthodontist), staff)
      .then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.orthodontist, removedBy: ids.staff } }]);
    expect(isCareTeamMember(foldEvents(patientDecider, [...history, ...events]), ids.orthodontist)).toBe(false);
  });

  it('remembers who left the team on their own (they handed their plan decisions over) until they rejoin; a removal by another is not that', () => {
    const history = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), careTeamAssigned(ids.otherOrthodontist, 'orthodontist')];
    const leftTeam = (events: readonly PatientEvent[]) => {
      const state = foldEvents(patientDecider, events);
      return state.status === 'active' ? state.leftTeam : undefined;
    };
    const self = ctxAs('orthodontist');
    const left = given(history).when(remove(ids.orthodontist), self).then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.orthodontist, removedBy: ids.orthodontist } }]);
    expect(leftTeam([...history, ...left])).toEqual([ids.orthodontist]);
    expect(leftTeam([...history, ...left, careTeamAssigned(ids.orthodontist, 'orthodontist')])).toEqual([]);
    const removed = given(history).when(remove(ids.orthodontist), ctxAs('orthodontist', { userId: ids.otherOrthodontist })).then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.orthodontist, removedBy: ids.otherOrthodontist } }]);
    expect(leftTeam([...history, ...removed])).toEqual([]);
    // Rejoining and then being removed by another ends the hand-over as well; so does a removal recorded before removedBy was written.
    expect(leftTeam([...history, ...left, careTeamAssigned(ids.orthodontist, 'orthodontist'), ...removed])).toEqual([]);
    expect(leftTeam([...history, { type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.orthodontist } }])).toEqual([]);
  });

  it('refuses removing someone who is not on the care team', () => {
    given([registered(), careTeamAssigned(ids.orthodontist, 'orthodontist')])
      .when(remove(ids.dentist), staff)
      .thenThrows('PATIENT.NOT_ON_CARE_TEAM');
  });

  it('refuses removing a member twice', () => {
    const history = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), careTeamAssigned(ids.dentist, 'dentist')];
    const removed = given(history)
      .when(remove(ids.dentist), staff)
      .then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.dentist, removedBy: ids.staff } }]);
    given([...history, ...removed])
      .when(remove(ids.dentist), staff)
      .thenThrows('PATIENT.NOT_ON_CARE_TEAM');
  });

  it('refuses removing the last orthodontist or dentist (nobody could treat the patient or manage the team), or making them staff', () => {
    const history = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), careTeamAssigned(ids.staff, 'clinic_staff')];
    given(history).when(remove(ids.orthodontist), staff).thenThrows('PATIENT.LAST_CLINICIAN');
    given(history).when(assign(ids.orthodontist, 'clinic_staff'), staff).thenThrows('PATIENT.LAST_CLINICIAN');
    // Staff can still leave, and with a dentist on the team the orthodontist can too.
    given(history).when(remove(ids.staff), staff).then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.staff, removedBy: ids.staff } }]);
    given([...history, careTeamAssigned(ids.dentist, 'dentist')]).when(remove(ids.orthodontist), staff).then([{ type: 'CareTeamMemberRemoved', data: { ...base, userId: ids.orthodontist, removedBy: ids.staff } }]);
  });

  it('refuses an unregistered patient', () => {
    given([]).when(remove(ids.dentist), staff).thenThrows('PATIENT.NOT_REGISTERED');
  });

  it('refuses staff of another clinic', () => {
    given([registered(), careTeamAssigned(ids.dentist, 'dentist')])
      .when(remove(ids.dentist), ctxAs('dentist', { clinicId: ids.otherClinic }))
      .thenThrows('ACCESS.CLINIC_MISMATCH');
  });
});

describe('TakeOverCareTeam', () => {
  const takeOver = (notActiveClinicians: string[]) => ({ type: 'TakeOverCareTeam' as const, data: { patientId: ids.patient, notActiveClinicians } });
  const successor = ctxAs('orthodontist', { userId: ids.otherOrthodontist });
  const team = [registered(), careTeamAssigned(ids.orthodontist, 'orthodontist'), careTeamAssigned(ids.staff, 'clinic_staff')];

  it('the acting clinician joins once no member is an active clinician (as the application found them)', () => {
    given(team).when(takeOver([ids.orthodontist, ids.staff]), successor).then([
      { type: 'CareTeamMemberAssigned', data: { ...base, userId: ids.otherOrthodontist, role: 'orthodontist' } },
    ]);
  });

  it('refuses while any member was not found inactive, including one who joined since (a concurrent take-over)', () => {
    given(team).when(takeOver([ids.staff]), successor).thenThrows('PATIENT.CARE_TEAM_NOT_VACANT');
    given([...team, careTeamAssigned(ids.dentist, 'dentist')]).when(takeOver([ids.orthodontist, ids.staff]), successor).thenThrows('PATIENT.CARE_TEAM_NOT_VACANT');
  });

  it('refuses staff and clinicians of another clinic', () => {
    given(team).when(takeOver([ids.orthodontist, ids.staff]), staff).thenThrows('ACCESS.ROLE_NOT_ALLOWED');
    given(team).when(takeOver([ids.orthodontist, ids.staff]), ctxAs('orthodontist', { clinicId: ids.otherClinic })).thenThrows('ACCESS.CLINIC_MISMATCH');
  });
});
