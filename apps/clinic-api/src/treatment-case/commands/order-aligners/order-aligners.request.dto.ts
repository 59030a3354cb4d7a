import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class OrderAlignersRequest {
  @ApiProperty({ minimum: 1, description: 'the approved plan version' })
  @IsInt()
  @Min(1)
  @Max(1000)
  planVersion!: number;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  stageFrom!: number;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  stageTo!: number;
}
