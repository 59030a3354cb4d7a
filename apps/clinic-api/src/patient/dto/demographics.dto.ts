import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Optional } from '@ortholedger/platform';

/*
 * Shapes and bounds of demographics. The domain re-checks every rule (real dates, email and phone
 * formats); these DTOs keep malformed and oversized input from ever reaching it.
 */

export class PersonNameDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  given!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  family!: string;
}

export class PostalAddressDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 4 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  lines!: string[];

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  city!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @Optional()
  @IsString()
  @Length(1, 200)
  region?: string;

  @ApiPropertyOptional({ maxLength: 20 })
  @Optional()
  @IsString()
  @Length(1, 20)
  postalCode?: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country!: string;
}

export class ContactDetailsDto {
  @ApiPropertyOptional({ maxLength: 254 })
  @Optional()
  @IsString()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 25 })
  @Optional()
  @IsString()
  @Length(5, 25)
  phone?: string;

  @ApiPropertyOptional({ type: PostalAddressDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => PostalAddressDto)
  address?: PostalAddressDto;
}

export class GuardianDto {
  @ApiProperty({ type: PersonNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PersonNameDto)
  name!: PersonNameDto;

  @ApiProperty({ maxLength: 50, example: 'mother' })
  @IsString()
  @Length(1, 50)
  relationship!: string;

  @ApiPropertyOptional({ type: ContactDetailsDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  contact?: ContactDetailsDto;
}
