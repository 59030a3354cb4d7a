import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ACTIVE_CASE_STATUSES, CLOSED_CASE_STATUSES } from '@ortholedger/domain';
import type { CaseBoardRecord } from '@ortholedger/read-models';

export const CASE_STATUSES = [...ACTIVE_CASE_STATUSES, ...CLOSED_CASE_STATUSES] as const;
export const NEXT_ACTIONS = ['awaiting_findings', 'awaiting_plan', 'awaiting_approval', 'awaiting_order', 'awaiting_shipment', 'in_treatment', 'closed'] as const;

/** Work-queue filters: codes and ids only, so they may travel in the query string. */
export class ListCasesRequest {
  @ApiPropertyOptional({ enum: ['mine', 'clinic'], default: 'clinic', description: 'mine: cases where I am the treating orthodontist' })
  @IsOptional()
  @IsIn(['mine', 'clinic'])
  scope?: 'mine' | 'clinic';

  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: NEXT_ACTIONS })
  @IsOptional()
  @IsIn(NEXT_ACTIONS)
  nextAction?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque, sealed by the server)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface ListCasesResponse {
  cases: CaseBoardRecord[];
  nextCursor?: string;
}
