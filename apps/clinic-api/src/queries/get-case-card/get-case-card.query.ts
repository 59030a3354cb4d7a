import { Query } from '@nestjs/cqrs';
import type { CaseBoardRecord } from '@ortholedger/read-models';

export class GetCaseCardQuery extends Query<CaseBoardRecord> {
  constructor(
    readonly caseId: string,
    /** The guard's audited read_clinical decision: whether the encrypted summary is decrypted. */
    readonly clinical: boolean,
  ) {
    super();
  }
}
