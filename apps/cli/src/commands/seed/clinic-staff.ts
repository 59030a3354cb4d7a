import type { IdentityServices } from '@ortholedger/access';
import { ClinicMembers } from '../../../../clinic-api/src/patient/care-team/clinic-members';
import type { ClinicStaff } from './synthetic-clinic';

/**
 * The staff of an existing clinic to seed into (`seed --clinic-id --clinicians`), checked before
 * anything is written to the append-only log: the clinic must exist, and every id must be an
 * active user of that clinic, used only in their account's role (an orthodontist's id never
 * registers patients as clinic staff). Cases are opened by an orthodontist, so one is required.
 */
export async function existingClinicStaff(identity: IdentityServices, clinicId: string, userIds: readonly string[]): Promise<ClinicStaff> {
  const members = new ClinicMembers(identity);
  await members.assertClinicExists(clinicId);
  const staff = { clinicId, orthodontists: [] as string[], dentists: [] as string[], staff: [] as string[] };
  for (const userId of new Set(userIds)) {
    const user = await members.activeUser(clinicId, userId);
    switch (user?.role) {
      case 'orthodontist':
        staff.orthodontists.push(userId);
        break;
      case 'dentist':
        staff.dentists.push(userId);
        break;
      case 'clinic_staff':
        staff.staff.push(userId);
        break;
      default:
        throw new Error(`--clinicians: ${userId} is not an active orthodontist, dentist or clinic staff account of this clinic`);
    }
  }
  if (staff.orthodontists.length === 0) throw new Error('--clinicians must include an orthodontist of the clinic (cases are opened by one)');
  return staff;
}
