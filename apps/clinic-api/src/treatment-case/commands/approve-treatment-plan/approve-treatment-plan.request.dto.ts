import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class ApproveTreatmentPlanRequest {
  @ApiProperty({ minimum: 1, description: 'the version being approved: only the latest proposed one is accepted' })
  @IsInt()
  @Min(1)
  @Max(1000)
  version!: number;
}
