import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@ortholedger/access';
import { ParseIdPipe, RevisionRoute } from '@ortholedger/platform';
import { GetPatientQuery } from './get-patient.query';
import type { PatientView } from './patient-view';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class GetPatientController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':patientId')
  @Authorize('patient', 'read_demographics', { patientIdFrom: { param: 'patientId' }, purpose: 'treatment' })
  @RevisionRoute()
  @ApiOkResponse({ description: 'demographics, consents and care team; ETag = stream revision' })
  get(@Param('patientId', ParseIdPipe) patientId: string): Promise<PatientView> {
    return this.queries.execute(new GetPatientQuery(patientId));
  }
}
