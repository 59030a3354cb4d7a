import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ARCH_SELECTIONS, type ArchSelection } from '@ortholedger/domain';
import { Optional } from '@ortholedger/platform';

/** The treating orthodontist is the caller: nobody opens a case in a colleague's name. */
export class OpenCaseRequest {
  @ApiProperty({ enum: ARCH_SELECTIONS })
  @IsIn(ARCH_SELECTIONS)
  arches!: ArchSelection;

  @ApiPropertyOptional({ maxLength: 2000 })
  @Optional()
  @IsString()
  @Length(1, 2000)
  chiefComplaint?: string;
}
