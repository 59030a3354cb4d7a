import { Query } from '@nestjs/cqrs';
import type { PatientView } from './patient-view';

export class GetPatientQuery extends Query<PatientView> {
  constructor(readonly patientId: string) {
    super();
  }
}
