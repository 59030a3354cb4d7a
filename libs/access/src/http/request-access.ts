import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../identity/user.types';
import type { AccessDecision, AccessSubject, QueryFilter, ResourceRef } from '../policy/policy.types';

/** What the guard leaves on the request for handlers and the audit interceptor. */
export interface RequestAccess {
  readonly subject: AccessSubject;
  readonly action?: string;
  readonly resource?: ResourceRef;
  readonly decision?: AccessDecision;
  readonly filter?: QueryFilter;
  /** The purpose written to the guard's row (break-glass reason and ticket, or the route's purpose). */
  readonly purpose?: string;
  /** The audited decision on the route's `disclosure` action, when it declares one. */
  readonly disclosure?: AccessDecision;
  /** Set when a 'granted' audit row was written for this request. */
  readonly audited?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    access?: RequestAccess;
  }
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined, correlationId: String(request.id) };
}
