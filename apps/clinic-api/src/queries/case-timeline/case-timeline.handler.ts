import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ReadModelServices } from '@ortholedger/read-models';
import { READ_MODELS } from '../read-models.tokens';
import { CaseTimelineQuery } from './case-timeline.query';
import type { CaseTimelineResponse } from './case-timeline.request.dto';

/** A history page from case_timeline: PHI-free event summaries, actors and correction links, in stream order. */
@QueryHandler(CaseTimelineQuery)
export class CaseTimelineHandler implements IQueryHandler<CaseTimelineQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelServices) {}

  async execute({ caseId, request }: CaseTimelineQuery): Promise<CaseTimelineResponse> {
    const page = await this.readModels.timeline.page(caseId, { afterRevision: request.after, limit: request.limit ?? 50 });
    return { caseId, ...page };
  }
}
