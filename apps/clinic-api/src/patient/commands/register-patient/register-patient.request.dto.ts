import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { CARE_TEAM_ROLES, type CareTeamRole } from '@ortholedger/domain';
import { IsId, IsIsoDate, Optional } from '@ortholedger/platform';
import { ContactDetailsDto, GuardianDto, PersonNameDto } from '../../dto/demographics.dto';

export class CareTeamMemberDto {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  userId!: string;

  @ApiProperty({ enum: CARE_TEAM_ROLES })
  @IsIn(CARE_TEAM_ROLES)
  role!: CareTeamRole;
}

export class RegisterPatientRequest {
  @ApiProperty({ type: PersonNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PersonNameDto)
  name!: PersonNameDto;

  @ApiProperty({ example: '2011-05-17' })
  @IsIsoDate()
  dateOfBirth!: string;

  @ApiProperty({ type: ContactDetailsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  contact!: ContactDetailsDto;

  @ApiProperty({ maxLength: 64 })
  @IsString()
  @Length(1, 64)
  chartNumber!: string;

  @ApiPropertyOptional({ type: GuardianDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => GuardianDto)
  guardian?: GuardianDto;

  @ApiPropertyOptional({
    type: [CareTeamMemberDto],
    maxItems: 10,
    description: 'the first care team; a registering orthodontist or dentist joins it anyway',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CareTeamMemberDto)
  careTeam?: CareTeamMemberDto[];
}
