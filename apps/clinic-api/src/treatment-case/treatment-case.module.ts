import { Module } from '@nestjs/common';
import { PatientModule } from '../patient/patient.module';
import { CaseCommands } from './case-commands.service';
import { CasePatients } from './case-patients';
import { OpenCaseHandler } from './commands/open-case/open-case.handler';
import { OpenCaseController } from './commands/open-case/open-case.http.controller';
import { RecordClinicalFindingsHandler } from './commands/record-clinical-findings/record-clinical-findings.handler';
import { RecordClinicalFindingsController } from './commands/record-clinical-findings/record-clinical-findings.http.controller';
import { AttachScanHandler } from './commands/attach-scan/attach-scan.handler';
import { AttachScanController } from './commands/attach-scan/attach-scan.http.controller';
import { ProposeTreatmentPlanHandler } from './commands/propose-treatment-plan/propose-treatment-plan.handler';
import { ApproveTreatmentPlanHandler } from './commands/approve-treatment-plan/approve-treatment-plan.handler';
import { ApproveTreatmentPlanController } from './commands/approve-treatment-plan/approve-treatment-plan.http.controller';
import { RequestPlanRevisionHandler } from './commands/request-plan-revision/request-plan-revision.handler';
import { RequestPlanRevisionController } from './commands/request-plan-revision/request-plan-revision.http.controller';
import { OrderAlignersHandler } from './commands/order-aligners/order-aligners.handler';
import { OrderAlignersController } from './commands/order-aligners/order-aligners.http.controller';
import { RecordShipmentHandler } from './commands/record-shipment/record-shipment.handler';
import { RecordProgressCheckHandler } from './commands/record-progress-check/record-progress-check.handler';
import { RecordProgressCheckController } from './commands/record-progress-check/record-progress-check.http.controller';
import { StartRefinementHandler } from './commands/start-refinement/start-refinement.handler';
import { StartRefinementController } from './commands/start-refinement/start-refinement.http.controller';
import { CompleteCaseHandler } from './commands/complete-case/complete-case.handler';
import { CompleteCaseController } from './commands/complete-case/complete-case.http.controller';
import { CancelCaseHandler } from './commands/cancel-case/cancel-case.handler';
import { CancelCaseController } from './commands/cancel-case/cancel-case.http.controller';
import { CorrectEntryHandler } from './commands/correct-entry/correct-entry.handler';
import { CorrectEntryController } from './commands/correct-entry/correct-entry.http.controller';
import { GetCaseController } from './queries/get-case/get-case.http.controller';
import { GetCaseHandler } from './queries/get-case/get-case.handler';
import { GetCaseHistoryController } from './queries/get-case-history/get-case-history.http.controller';
import { GetCaseHistoryHandler } from './queries/get-case-history/get-case-history.handler';

/**
 * Treatment cases: opening, records, the plan cycle, orders, progress, refinement, closing, corrections,
 * the current state and the full history. Plan proposals and shipments come from the back office
 * (commands on the CommandBus; their HTTP routes belong to the admin API).
 */
@Module({
  imports: [PatientModule],
  controllers: [
    OpenCaseController,
    RecordClinicalFindingsController,
    AttachScanController,
    ApproveTreatmentPlanController,
    RequestPlanRevisionController,
    OrderAlignersController,
    RecordProgressCheckController,
    StartRefinementController,
    CompleteCaseController,
    CancelCaseController,
    CorrectEntryController,
    GetCaseController,
    GetCaseHistoryController,
  ],
  providers: [
    CaseCommands,
    CasePatients,
    OpenCaseHandler,
    RecordClinicalFindingsHandler,
    AttachScanHandler,
    ProposeTreatmentPlanHandler,
    ApproveTreatmentPlanHandler,
    RequestPlanRevisionHandler,
    OrderAlignersHandler,
    RecordShipmentHandler,
    RecordProgressCheckHandler,
    StartRefinementHandler,
    CompleteCaseHandler,
    CancelCaseHandler,
    CorrectEntryHandler,
    GetCaseHandler,
    GetCaseHistoryHandler,
  ],
  exports: [CaseCommands, CasePatients],
})
export class TreatmentCaseModule {}
