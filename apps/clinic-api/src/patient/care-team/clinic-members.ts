import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_SERVICES, type AccessServices } from '@ortholedger/access';
import { type CareTeamRole, isClinicianRole } from '@ortholedger/domain';

/** A care-team member must be an active clinic user of the patient's clinic. Names the id only. */
export class CareTeamMemberInvalid extends Error {
  readonly code = 'PATIENT.CARE_TEAM_MEMBER_INVALID';
  readonly kind = 'validation';
  constructor(userId: string) {
    super(`user ${userId} is not an active member of this clinic in the named role`);
    this.name = 'CareTeamMemberInvalid';
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
  // Only the user directory is needed, so the CLI's identity services (no realm) will do as well.
  constructor(@Inject(ACCESS_SERVICES) private readonly access: Pick<AccessServices, 'users'>) {}

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

  /**
   * The members who are not active clinicians of the clinic: disabled, elsewhere, or not an
   * orthodontist or dentist by account, whatever their label on the team (access follows the account).
   */
  async notActiveClinicians(clinicId: string, userIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const userId of userIds) {
      const user = await this.activeUser(clinicId, userId);
      if (!isClinicianRole(user?.role)) out.push(userId);
    }
    return out;
  }

  private async isActive(clinicId: string, { userId, role }: { userId: string; role: CareTeamRole }): Promise<boolean> {
    return (await this.activeUser(clinicId, userId))?.role === role;
  }

  /** The user, if an active account of the clinic realm in this clinic. */
  async activeUser(clinicId: string, userId: string) {
    const user = await this.access.users.get(userId).catch((error: { code?: string }) => {
      if (error?.code === 'ACCESS.USER_NOT_FOUND') return undefined;
      throw error;
    });
    return user && user.realm === 'clinic' && user.clinicId === clinicId && !user.disabled ? user : undefined;
  }
}
