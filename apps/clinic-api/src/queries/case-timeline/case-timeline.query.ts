import { Query } from '@nestjs/cqrs';
import type { CaseTimelineRequest, CaseTimelineResponse } from './case-timeline.request.dto';

export class CaseTimelineQuery extends Query<CaseTimelineResponse> {
  constructor(
    readonly caseId: string,
    readonly request: CaseTimelineRequest,
  ) {
    super();
  }
}
