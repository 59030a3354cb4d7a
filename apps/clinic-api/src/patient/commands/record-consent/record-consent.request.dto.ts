import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import {
  CONSENT_GIVERS, CONSENT_STATUSES, CONSENT_TYPES, type ConsentGiver, type ConsentStatus, type ConsentType,
} from '@ortholedger/domain';
import { IsIsoTimestamp } from '@ortholedger/platform';

export class RecordConsentRequest {
  @ApiProperty({ enum: CONSENT_TYPES })
  @IsIn(CONSENT_TYPES)
  consentType!: ConsentType;

  @ApiProperty({ maxLength: 32, example: 'TX-2025.1' })
  @IsString()
  @Length(1, 32)
  formVersion!: string;

  @ApiProperty({ enum: CONSENT_STATUSES })
  @IsIn(CONSENT_STATUSES)
  status!: ConsentStatus;

  @ApiProperty({ enum: CONSENT_GIVERS })
  @IsIn(CONSENT_GIVERS)
  givenBy!: ConsentGiver;

  @ApiProperty({ description: 'when the form was signed or withdrawn (ISO-8601 with zone)' })
  @IsIsoTimestamp()
  recordedAt!: string;
}
