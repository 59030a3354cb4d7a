import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Search terms travel in a POST body, never in the URL (URLs end up in logs and browser history). */
export class SearchPatientsRequest {
  @ApiPropertyOptional({ description: 'name prefix or words; accents, case and small typos ignored', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD, YYYY-MM or YYYY' })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/)
  dateOfBirth?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  chartNumber?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export interface PatientSearchResult {
  patientId: string;
  clinicId: string;
  name: { given: string; family: string };
  dateOfBirth: string;
  chartNumber: string;
  /** Lower is better: 0 exact, 1 prefix, 2-3 typo, per query word. */
  score: number;
}

export interface SearchPatientsResponse {
  results: PatientSearchResult[];
  /** Matches the caller may see. */
  total: number;
  page: number;
  pageSize: number;
}
