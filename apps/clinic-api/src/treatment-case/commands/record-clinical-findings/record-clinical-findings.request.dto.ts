import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { CLINICAL_CONDITIONS, MALOCCLUSION_CLASSES, type ClinicalCondition, type MalocclusionClass } from '@ortholedger/domain';
import { IsNumberRecord, Optional } from '@ortholedger/platform';

export class RecordClinicalFindingsRequest {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  diagnosis!: string;

  @ApiProperty({ enum: MALOCCLUSION_CLASSES })
  @IsIn(MALOCCLUSION_CLASSES)
  malocclusionClass!: MalocclusionClass;

  @ApiProperty({ enum: CLINICAL_CONDITIONS, isArray: true, maxItems: CLINICAL_CONDITIONS.length })
  @IsArray()
  @ArrayMaxSize(CLINICAL_CONDITIONS.length)
  @ArrayUnique()
  @IsIn(CLINICAL_CONDITIONS, { each: true })
  conditions!: ClinicalCondition[];

  @ApiPropertyOptional({ maxLength: 10_000 })
  @Optional()
  @IsString()
  @Length(1, 10_000)
  notes?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, example: { overjet_mm: 4.5 } })
  @Optional()
  @IsNumberRecord(100)
  measurements?: Record<string, number>;
}
