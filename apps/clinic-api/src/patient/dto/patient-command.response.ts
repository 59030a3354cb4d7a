import { ApiProperty } from '@nestjs/swagger';

/** What every patient command answers: ids and the new revision (also the ETag), never PHI. */
export class PatientCommandResponse {
  @ApiProperty({ format: 'uuid' })
  patientId!: string;

  @ApiProperty({ description: 'stream revision after the command; the ETag' })
  revision!: number;
}
