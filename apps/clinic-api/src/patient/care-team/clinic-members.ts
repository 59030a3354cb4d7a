import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_SERVICES, type AccessServices } from '@ortholedger/access';
import type { CareTeamRole } from '@ortholedger/domain';

/** A care-team member must be an active clinic user of the patient's clinic. Names the id only. */
export class CareTeamMemberInvalid extends Error {
  readonly code = 'PATIENT.CARE_TEAM_MEMBER_INVALID';
  readonly kind = 'validation';
  constructor(userId: string) {
    super(`user ${userId} is not an active member of this clinic in the named role`);
    this.name = 'CareTeamMemberInvalid';
  }
}

/** A take-over while an orthodontist or dentist on the care team is still active. */
export class CareTeamNotVacant extends Error {
  readonly code = 'PATIENT.CARE_TEAM_NOT_VACANT';
  readonly kind = 'conflict';
  constructor() {
    super('the care team still has an active orthodontist or dentist: ask them to add you');
    this.name = 'CareTeamNotVacant';
  }
}

export class UnknownClinic extends Error {
  readonly code = 'PATIENT.UNKNOWN_CLINIC';
  readonly kind = 'validation';
  constructor() {
    super('the target clinic is not known');
    this.name = 'UnknownClinic';
  }
}

/** The domain cannot know who exists; this checks care-team candidates and clinics against the identity store. */
@Injectable()
export class ClinicMembers {
  constructor(@Inject(ACCESS_SERVICES) private readonly access: AccessServices) {}

  async assertClinicExists(clinicId: string): Promise<void> {
    if (!(await this.access.users.clinicExists(clinicId))) throw new UnknownClinic();
  }

  /**
   * Each member must be an active user of the clinic whose account has the role they are named
   * in: the care team's roles decide who can treat (a clinic user labelled "orthodontist" could
   * otherwise stand in for the clinician a team must keep).
   */
  async assertCanJoin(clinicId: string, members: ReadonlyArray<{ userId: string; role: CareTeamRole }>): Promise<void> {
    for (const member of members) if (!(await this.isActive(clinicId, member))) throw new CareTeamMemberInvalid(member.userId);
  }

  /** Whether any of the members is still an active user of the clinic in the role they hold on the team. */
  async anyActive(clinicId: string, members: ReadonlyArray<{ userId: string; role: CareTeamRole }>): Promise<boolean> {
    for (const member of members) if (await this.isActive(clinicId, member)) return true;
    return false;
  }

  private async isActive(clinicId: string, { userId, role }: { userId: string; role: CareTeamRole }): Promise<boolean> {
    const user = await this.access.users.get(userId).catch((error: { code?: string }) => {
      if (error?.code === 'ACCESS.USER_NOT_FOUND') return undefined;
      throw error;
    });
    return !!user && user.realm === 'clinic' && user.clinicId === clinicId && !user.disabled && user.role === role;
  }
}
