import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, hasActiveConsent } from '@ortholedger/domain';
import { PatientCommands } from '../../../patient/patient-commands.service';
import { CaseCommands } from '../../case-commands.service';
import type { CaseCommandResponse } from '../../dto/case-command.response';
import { OpenCaseCommand } from './open-case.command';

/**
 * Reads the patient stream for the two facts the decider cannot fetch: the patient belongs to the
 * case's clinic, and treatment consent is active now. A revocation racing this append is a snapshot
 * decision the history records (consent event and case opening both timestamped).
 */
@CommandHandler(OpenCaseCommand)
export class OpenCaseHandler implements ICommandHandler<OpenCaseCommand> {
  constructor(
    private readonly patients: PatientCommands,
    private readonly cases: CaseCommands,
  ) {}

  async execute({ data, envelope }: OpenCaseCommand): Promise<CaseCommandResponse> {
    const patient = (await this.patients.load(data.patientId)).state;
    if (patient.status !== 'active') throw new DomainError('PATIENT.NOT_REGISTERED', `patient ${data.patientId} is not registered`);
    if (patient.clinicId !== data.clinicId) throw new DomainError('ACCESS.CLINIC_MISMATCH', 'the patient belongs to another clinic');
    const patientConsent = { treatment: hasActiveConsent(patient, 'treatment') };
    return this.cases.open({ type: 'OpenCase', data: { ...data, patientConsent } }, envelope);
  }
}
