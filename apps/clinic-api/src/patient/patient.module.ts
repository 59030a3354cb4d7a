import { Module } from '@nestjs/common';
import { ClinicMembers } from './care-team/clinic-members';
import { InterimCareTeamSync } from './care-team/interim-care-team.sync';
import { AssignCareTeamMemberController } from './commands/assign-care-team-member/assign-care-team-member.http.controller';
import { AssignCareTeamMemberHandler } from './commands/assign-care-team-member/assign-care-team-member.handler';
import { CorrectDemographicsController } from './commands/correct-demographics/correct-demographics.http.controller';
import { CorrectDemographicsHandler } from './commands/correct-demographics/correct-demographics.handler';
import { RecordConsentController } from './commands/record-consent/record-consent.http.controller';
import { RecordConsentHandler } from './commands/record-consent/record-consent.handler';
import { RegisterPatientController } from './commands/register-patient/register-patient.http.controller';
import { RegisterPatientHandler } from './commands/register-patient/register-patient.handler';
import { RemoveCareTeamMemberController } from './commands/remove-care-team-member/remove-care-team-member.http.controller';
import { RemoveCareTeamMemberHandler } from './commands/remove-care-team-member/remove-care-team-member.handler';
import { TakeOverCareController } from './commands/take-over-care/take-over-care.http.controller';
import { TakeOverCareHandler } from './commands/take-over-care/take-over-care.handler';
import { TransferPatientController } from './commands/transfer-patient/transfer-patient.http.controller';
import { TransferPatientHandler } from './commands/transfer-patient/transfer-patient.handler';
import { PatientCommands } from './patient-commands.service';
import { GetPatientController } from './queries/get-patient/get-patient.http.controller';
import { GetPatientHandler } from './queries/get-patient/get-patient.handler';

/** Patients: registration, demographics corrections, consents, care team, transfers, and the current record. */
@Module({
  controllers: [
    RegisterPatientController,
    CorrectDemographicsController,
    RecordConsentController,
    AssignCareTeamMemberController,
    RemoveCareTeamMemberController,
    TransferPatientController,
    TakeOverCareController,
    GetPatientController,
  ],
  providers: [
    PatientCommands,
    InterimCareTeamSync,
    ClinicMembers,
    RegisterPatientHandler,
    CorrectDemographicsHandler,
    RecordConsentHandler,
    AssignCareTeamMemberHandler,
    RemoveCareTeamMemberHandler,
    TransferPatientHandler,
    TakeOverCareHandler,
    GetPatientHandler,
  ],
  exports: [PatientCommands, ClinicMembers],
})
export class PatientModule {}
