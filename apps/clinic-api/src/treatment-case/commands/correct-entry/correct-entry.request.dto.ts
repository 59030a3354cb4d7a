import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import {
  ARCH_SELECTIONS, CLINICAL_CONDITIONS, FITS, MALOCCLUSION_CLASSES, SCAN_KINDS,
  type ArchSelection, type ClinicalCondition, type Fit, type MalocclusionClass, type ScanKind,
} from '@ortholedger/domain';
import { IsId, IsNumberRecord, Optional, OptionalNullable } from '@ortholedger/platform';

/**
 * Every field some entry type lets a correction replace, typed here; which of them apply to the
 * corrected entry (and who may change them) is the decider's rule (CORRECTABLE_ENTRIES).
 */
export class CorrectionReplacementDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @Optional() @IsString() @Length(1, 2000) chiefComplaint?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @Optional() @IsString() @Length(1, 2000) diagnosis?: string;
  @ApiPropertyOptional({ enum: MALOCCLUSION_CLASSES }) @Optional() @IsIn(MALOCCLUSION_CLASSES) malocclusionClass?: MalocclusionClass;

  @ApiPropertyOptional({ enum: CLINICAL_CONDITIONS, isArray: true })
  @Optional()
  @IsArray()
  @ArrayMaxSize(CLINICAL_CONDITIONS.length)
  @ArrayUnique()
  @IsIn(CLINICAL_CONDITIONS, { each: true })
  conditions?: ClinicalCondition[];

  @ApiPropertyOptional({ maxLength: 10_000 }) @Optional() @IsString() @Length(1, 10_000) notes?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' } }) @Optional() @IsNumberRecord(100) measurements?: Record<string, number>;
  @ApiPropertyOptional({ enum: SCAN_KINDS }) @Optional() @IsIn(SCAN_KINDS) kind?: ScanKind;
  /** `null` clears the arch (a scan recorded as an intraoral arch that is another kind). */
  @ApiPropertyOptional({ enum: ARCH_SELECTIONS, nullable: true }) @OptionalNullable() @IsIn(ARCH_SELECTIONS) arch?: ArchSelection | null;
  @ApiPropertyOptional({ maxLength: 100 }) @Optional() @IsString() @Length(1, 100) carrier?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @Optional() @IsString() @Length(1, 100) trackingRef?: string;
  @ApiPropertyOptional({ minimum: 1 }) @Optional() @IsInt() @Min(1) @Max(100) currentStage?: number;
  @ApiPropertyOptional({ enum: FITS }) @Optional() @IsIn(FITS) fit?: Fit;
}

export class CorrectEntryRequest {
  @ApiProperty({ format: 'uuid', description: 'the entry being corrected' })
  @IsId()
  correctsEntryId!: string;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;

  @ApiProperty({ type: CorrectionReplacementDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionReplacementDto)
  replacement!: CorrectionReplacementDto;
}
