import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { TimelineEntry } from '@ortholedger/read-models';

export class CaseTimelineRequest {
  @ApiPropertyOptional({ description: 'revision after which the page starts (nextAfter of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
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
