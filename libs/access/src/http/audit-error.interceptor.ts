import { type CallHandler, type ExecutionContext, HttpException, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from '../audit/audit.service';
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
 * A granted request whose handler then fails gets a second row, outcome 'error', with the status
 * and error code, so the log says what actually happened. The original error still goes out.
 */
@Injectable()
export class AuditErrorInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        const access = request.access;
        if (!access?.audited) return throwError(() => error);
        const code = (error as { code?: unknown })?.code;
        return from(
          this.audit.record({
            ...requestMeta(request), realm: access.subject.realm, actorId: access.subject.userId, role: access.subject.role,
            sessionId: access.subject.sessionId, action: access.action ?? 'unknown', resourceType: access.resource?.type,
            resourceId: access.resource?.id, patientId: access.resource?.patientId, outcome: 'error', status: statusOf(error),
            reason: typeof code === 'string' ? code : undefined, policyVersion: access.decision?.policyVersion,
          }),
        ).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
