import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@ortholedger/domain';
import { PatientCommands } from '../../patient-commands.service';
import { GetPatientQuery } from './get-patient.query';
import { type PatientView, patientView } from './patient-view';

/**
 * Reads the patient stream itself rather than a read model: the answer carries the exact stream
 * revision as its ETag, which is what a following If-Match must name.
 */
@QueryHandler(GetPatientQuery)
export class GetPatientHandler implements IQueryHandler<GetPatientQuery> {
  constructor(private readonly patients: PatientCommands) {}

  async execute({ patientId }: GetPatientQuery): Promise<PatientView> {
    const stream = await this.patients.load(patientId);
    const view = stream.revision === 'no_stream' ? undefined : patientView(stream.events, stream.revision);
    if (!view) throw new DomainError('PATIENT.NOT_REGISTERED', `patient ${patientId} is not registered`);
    return view;
  }
}
