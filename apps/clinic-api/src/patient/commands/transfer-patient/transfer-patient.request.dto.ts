import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsId } from '@ortholedger/platform';

export class TransferPatientRequest {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  toClinicId!: string;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}
