import { type CallHandler, type ExecutionContext, HttpException, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from '../audit/audit.service';
import { isUuid } from '../realm';
import { who } from '../sessions/account.service';
import { ACCESS_ROUTE, type AccessRouteMeta } from './access.decorators';
import { requestMeta } from './request-access';

const STATUS_BY_KIND: Record<string, number> = {
  bad_request: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, gone: 410,
  precondition: 412, validation: 422, too_many: 429, unavailable: 503,
};

function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const kind = (error as { kind?: string })?.kind;
  return (kind && STATUS_BY_KIND[kind]) || 500;
}

/**
 * Nothing leaves before its audit rows are committed. On a read the guard's rows may still be in
 * flight while the handler runs: the response (or error) waits for them, and if they cannot be
 * written the request answers 503 (AUDIT.UNAVAILABLE) instead, with no data.
 *
 * What happened after the guard's row: a collection route's response names its patients, one
 * 'granted' row each (reason `in_results`), written before the response leaves (503 if they
 * cannot be); a granted request whose handler then fails gets a second row, outcome 'error', with
 * the status and error code, so the log says what actually happened. The original error still goes out.
 */
@Injectable()
export class AuditOutcomeInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const meta = this.reflector.getAllAndOverride<AccessRouteMeta | undefined>(ACCESS_ROUTE, [context.getHandler(), context.getClass()]);
    const returnsPatients = meta?.kind === 'authorize' ? meta.options.returnsPatients : undefined;
    const returnsDisclosed = meta?.kind === 'authorize' ? meta.options.returnsDisclosed : undefined;
    const resource = meta?.kind === 'authorize' ? meta.resource : undefined;
    return next.handle().pipe(
      mergeMap(async (response: unknown) => {
        const access = request.access;
        await access?.written;
        if (access?.audited) {
          await Promise.all([
            returnsPatients ? this.recordResults(request, returnsPatients(response)) : undefined,
            returnsDisclosed ? this.recordDisclosed(request, `${resource}.${returnsDisclosed.action}`, resource!, returnsDisclosed.records(response)) : undefined,
          ]);
        }
        return response;
      }),
      catchError((error: unknown) => {
        const access = request.access;
        if (!access?.audited) return throwError(() => error);
        const code = (error as { code?: unknown })?.code;
        const recorded = async () => {
          await access.written; // the grant first; if it cannot be written, this request is a 503
          await this.audit.record({
            ...requestMeta(request), ...who(access.subject), action: access.action ?? 'unknown', resourceType: access.resource?.type,
            resourceId: access.resource?.id, patientId: access.resource?.patientId, outcome: 'error', status: statusOf(error),
            reason: typeof code === 'string' ? code : undefined, policyVersion: access.decision?.policyVersion,
          });
        };
        return from(recorded()).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }

  /** One row per record of the response that carries a disclosed action's content (see AuthorizeOptions.returnsDisclosed). */
  private async recordDisclosed(request: FastifyRequest, action: string, resourceType: string, records: readonly { id: string; patientId: string }[]): Promise<void> {
    const access = request.access!;
    const meta = requestMeta(request);
    const unique = new Map(records.filter((r) => isUuid(r.id) && isUuid(r.patientId)).map((r) => [r.id, r.patientId]));
    await Promise.all(
      [...unique].map(([id, patientId]) =>
        this.audit.record({
          ...meta, ...who(access.subject), action, resourceType, resourceId: id, patientId, outcome: 'granted', reason: 'in_results',
          policyVersion: access.decision?.policyVersion, purpose: access.purpose,
        }),
      ),
    );
  }

  /** One row per patient in the response; the rows of one response share a group commit. */
  private async recordResults(request: FastifyRequest, patientIds: readonly string[]): Promise<void> {
    const access = request.access!;
    const meta = requestMeta(request);
    await Promise.all(
      [...new Set(patientIds)].filter(isUuid).map((patientId) =>
        this.audit.record({
          ...meta, ...who(access.subject), action: access.action ?? 'unknown', resourceType: 'patient', resourceId: patientId, patientId, outcome: 'granted', reason: 'in_results',
          policyVersion: access.decision?.policyVersion, breakGlass: access.decision?.breakGlass === true, purpose: access.purpose,
        }),
      ),
    );
  }
}
