import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What every case command answers: ids and the new revision (also the ETag), never PHI. */
export class CaseCommandResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ format: 'uuid', description: 'the entry this command wrote; corrections point at it' })
  entryId!: string;

  @ApiProperty({ description: 'stream revision after the command; the ETag' })
  revision!: number;

  @ApiPropertyOptional({ format: 'uuid' })
  findingId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  scanId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  planId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  orderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  checkId?: string;
}
