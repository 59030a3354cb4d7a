import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ARCH_SELECTIONS, SCAN_KINDS, type ArchSelection, type ScanKind } from '@ortholedger/domain';
import { Optional } from '@ortholedger/platform';

export class AttachScanRequest {
  @ApiProperty({ enum: SCAN_KINDS })
  @IsIn(SCAN_KINDS)
  kind!: ScanKind;

  @ApiProperty({ description: 'SHA-256 of the file, lower-case hex' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'contentHash must be a lower-case SHA-256 hex digest' })
  contentHash!: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  sizeBytes!: number;

  @ApiProperty({ maxLength: 1024, description: 'opaque object-storage key; never a file name with patient data' })
  @IsString()
  @Length(1, 1024)
  storageRef!: string;

  @ApiPropertyOptional({ enum: ARCH_SELECTIONS })
  @Optional()
  @IsIn(ARCH_SELECTIONS)
  arch?: ArchSelection;
}
