import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { FITS, type Fit } from '@ortholedger/domain';
import { Optional } from '@ortholedger/platform';

export class RecordProgressCheckRequest {
  @ApiProperty({ minimum: 1, description: 'a shipped stage of the plan being worn' })
  @IsInt()
  @Min(1)
  @Max(100)
  currentStage!: number;

  @ApiProperty({ enum: FITS })
  @IsIn(FITS)
  fit!: Fit;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @Optional()
  @IsString()
  @Length(1, 10_000)
  notes?: string;
}
