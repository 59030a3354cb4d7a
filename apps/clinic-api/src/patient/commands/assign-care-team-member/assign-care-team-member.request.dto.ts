export { CareTeamMemberDto as AssignCareTeamMemberRequest } from '../register-patient/register-patient.request.dto';
