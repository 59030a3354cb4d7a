import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { TimelineEntry } from '@ortholedger/read-models';

export class CaseTimelineRequest {
  @ApiPropertyOptional({ description: 'revision after which the page starts (nextAfter of the previous page)' })
  @IsOptional()
  // Digits only: an empty or blank `after=` is a mistake, not revision 0 (which would skip the case's first entry); NaN fails IsInt.
  @Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : Number.NaN))
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export interface CaseTimelineResponse {
  caseId: string;
  entries: TimelineEntry[];
  nextAfter?: number;
}
