import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, ValidateNested } from 'class-validator';
import { IsId } from '@ortholedger/platform';
import { CareTeamMemberDto } from '../register-patient/register-patient.request.dto';

export class TransferPatientRequest {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  toClinicId!: string;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;

  @ApiProperty({
    type: [CareTeamMemberDto],
    minItems: 1,
    maxItems: 10,
    description: 'the receiving care team: active users of the receiving clinic, at least one orthodontist or dentist; they replace the former team',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CareTeamMemberDto)
  careTeam!: CareTeamMemberDto[];
}
