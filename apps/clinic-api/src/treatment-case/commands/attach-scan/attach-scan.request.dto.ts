import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ARCH_SELECTIONS, MAX_SCAN_BYTES, SCAN_KINDS, type ArchSelection, type ScanKind } from '@ortholedger/domain';
import { Optional } from '@ortholedger/platform';

/** The largest ceiling of any kind; the per-kind ceiling and arch-only-on-intraoral_3d are domain rules (422). */
const MAX_RECORD_BYTES = Math.max(...Object.values(MAX_SCAN_BYTES));

export class AttachScanRequest {
  @ApiProperty({ enum: SCAN_KINDS })
  @IsIn(SCAN_KINDS)
  kind!: ScanKind;

  @ApiProperty({ description: 'SHA-256 of the file, lower-case hex' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'contentHash must be a lower-case SHA-256 hex digest' })
  contentHash!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_RECORD_BYTES, description: 'at most, by kind: ' + Object.entries(MAX_SCAN_BYTES).map(([kind, max]) => `${kind} ${max}`).join(', ') })
  @IsInt()
  @Min(1)
  @Max(MAX_RECORD_BYTES)
  sizeBytes!: number;

  @ApiProperty({ maxLength: 1024, description: 'opaque object-storage key; never a file name with patient data' })
  @IsString()
  @Length(1, 1024)
  storageRef!: string;

  @ApiPropertyOptional({ enum: ARCH_SELECTIONS, description: 'intraoral_3d scans only' })
  @Optional()
  @IsIn(ARCH_SELECTIONS)
  arch?: ArchSelection;
}
