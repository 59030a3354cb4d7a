import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsIsoDate, Optional, OptionalNullable } from '@ortholedger/platform';
import { ContactDetailsDto, GuardianDto, PersonNameDto } from '../../dto/demographics.dto';

/** The fields being corrected; `guardian: null` removes a guardian recorded in error. */
export class DemographicsCorrectionDto {
  @ApiPropertyOptional({ type: PersonNameDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => PersonNameDto)
  name?: PersonNameDto;

  @ApiPropertyOptional({ example: '2011-05-17' })
  @Optional()
  @IsIsoDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ type: ContactDetailsDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  contact?: ContactDetailsDto;

  @ApiPropertyOptional({ maxLength: 64 })
  @Optional()
  @IsString()
  @Length(1, 64)
  chartNumber?: string;

  @ApiPropertyOptional({ type: GuardianDto, nullable: true })
  @OptionalNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => GuardianDto)
  guardian?: GuardianDto | null;
}

export class CorrectDemographicsRequest {
  @ApiProperty({ type: DemographicsCorrectionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => DemographicsCorrectionDto)
  corrections!: DemographicsCorrectionDto;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}
