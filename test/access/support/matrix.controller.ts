import { Controller, Get, type Type } from '@nestjs/common';
import { AccessFilter, Authorize, type QueryFilter, RESOURCE_ACTIONS, type Resource } from '@ortholedger/access';

/**
 * One GET route per (resource, action) of the policy vocabulary, each behind the real guard:
 * /matrix/:resource/:action/:patientId/:clinicId. Register routes name the target clinic instead
 * of a patient (the patient does not exist yet).
 */
export function matrixController(): Type {
  class MatrixController {}
  const proto = MatrixController.prototype as Record<string, unknown>;
  for (const [resource, actions] of Object.entries(RESOURCE_ACTIONS) as Array<[Resource, readonly string[]]>) {
    for (const action of actions) {
      const key = `${resource}__${action}`;
      Object.defineProperty(proto, key, { value: () => ({ ok: true }), writable: true, configurable: true });
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      const options = action === 'register' ? { clinicIdFrom: { param: 'clinicId' } } : { patientIdFrom: { param: 'patientId' } };
      Authorize(resource, action as never, options)(proto, key, descriptor);
      Get(`${resource}/${action}/:patientId/:clinicId`)(proto, key, descriptor);
    }
  }
  Controller('matrix')(MatrixController);
  return MatrixController;
}

/** A search route: the guard hands over the QueryFilter instead of deciding on one patient. */
@Controller('matrix')
export class SearchController {
  @Authorize('patient', 'read_demographics', { collection: true, returnsPatients: () => [] })
  @Get('search/patients')
  search(@AccessFilter() filter: QueryFilter) {
    return filter;
  }
}
