import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_SERVICES, type AccessServices } from '@ortholedger/access';

/** A care-team member must be an active clinic user of the patient's clinic. Names the id only. */
export class CareTeamMemberInvalid extends Error {
  readonly code = 'PATIENT.CARE_TEAM_MEMBER_INVALID';
  readonly kind = 'validation';
  constructor(userId: string) {
    super(`user ${userId} is not an active member of this clinic`);
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
  constructor(@Inject(ACCESS_SERVICES) private readonly access: AccessServices) {}

  async assertClinicExists(clinicId: string): Promise<void> {
    if (!(await this.access.users.clinicExists(clinicId))) throw new UnknownClinic();
  }

  async assertCanJoin(clinicId: string, userIds: readonly string[]): Promise<void> {
    for (const userId of new Set(userIds)) {
      const user = await this.access.users.get(userId).catch((error: { code?: string }) => {
        if (error?.code === 'ACCESS.USER_NOT_FOUND') return undefined;
        throw error;
      });
      if (!user || user.realm !== 'clinic' || user.clinicId !== clinicId || user.disabled) throw new CareTeamMemberInvalid(userId);
    }
  }
}
