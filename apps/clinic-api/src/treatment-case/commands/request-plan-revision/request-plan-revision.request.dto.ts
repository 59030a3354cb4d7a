import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { Optional } from '@ortholedger/platform';

export class RevisionCommentDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  text!: string;

  @ApiPropertyOptional({ description: 'FDI tooth number (checked against the treated arches)' })
  @Optional()
  @IsInt()
  @Min(11)
  @Max(85)
  tooth?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100)
  stage?: number;
}

export class RequestPlanRevisionRequest {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  version!: number;

  @ApiProperty({ type: [RevisionCommentDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RevisionCommentDto)
  comments!: RevisionCommentDto[];
}
