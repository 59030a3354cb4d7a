import { Controller, Get, Post, Param } from '@nestjs/common';
import { Authorize, Public } from '@ortholedger/access';
import { RevisionRoute } from '@ortholedger/platform';

/** Counts handler executions, so tests can prove a refused request never reached the handler. */
export const probeCalls = { count: 0 };

/** Stand-in for the PHI routes later issues add: one protected read, one that fails, one unprotected twin. */
@Controller('probe')
export class ProbeController {
  @Authorize('patient', 'read_demographics', { patientIdFrom: { param: 'patientId' } })
  @Get('patients/:patientId')
  read(@Param('patientId') patientId: string) {
    probeCalls.count += 1;
    return { patientId, secret: 'PHI-PAYLOAD' };
  }

  /** A read whose response carries the stream revision as its ETag (as patient, case and history reads do). */
  @Authorize('patient', 'read_demographics', { patientIdFrom: { param: 'patientId' } })
  @RevisionRoute()
  @Get('patients/:patientId/revision')
  readRevision(@Param('patientId') patientId: string) {
    probeCalls.count += 1;
    return { patientId, revision: 7, secret: 'PHI-PAYLOAD' };
  }

  @Authorize('patient', 'correct', { patientIdFrom: { param: 'patientId' } })
  @Post('patients/:patientId/fail')
  fail() {
    probeCalls.count += 1;
    throw Object.assign(new Error('boom'), { code: 'PATIENT.NOT_REGISTERED', kind: 'not_found' });
  }

  /** The patient cannot be resolved because the case stream was tampered with: a 503 the audit log must show. */
  @Authorize('patient', 'read_demographics', {
    patientIdFrom: () => {
      throw Object.assign(new Error('tampered'), { code: 'CRYPTO.TAMPER_DETECTED' });
    },
  })
  @Get('tampered/:patientId')
  tampered() {
    probeCalls.count += 1;
    return { secret: 'PHI-PAYLOAD' };
  }

  @Public()
  @Get('open/patients/:patientId')
  unprotected(@Param('patientId') patientId: string) {
    probeCalls.count += 1;
    return { patientId, secret: 'PHI-PAYLOAD' };
  }
}

/** A route that forgot to declare access: the global guard must refuse it. */
@Controller('probe')
export class UndeclaredController {
  @Get('undeclared')
  undeclared() {
    probeCalls.count += 1;
    return { leaked: true };
  }
}
