import { Query } from '@nestjs/cqrs';
import type { AccessContext, AccessSubject } from '@ortholedger/access';
import type { CaseBoardRecord } from '@ortholedger/read-models';

export class GetCaseCardQuery extends Query<CaseBoardRecord> {
  constructor(
    readonly caseId: string,
    readonly patientId: string | undefined,
    readonly subject: AccessSubject,
    readonly context: AccessContext,
  ) {
    super();
  }
}
