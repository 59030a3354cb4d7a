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
  /** Set when the guard granted the request and appended its 'granted' row (and disclosure row). */
  readonly audited?: boolean;
  /**
   * Settles when those rows are committed; rejects with AUDIT.UNAVAILABLE if they cannot be. On a
   * read the handler runs while they commit and AuditOutcomeInterceptor holds the response (and any
   * later row) until this settles; on other methods the guard awaited it before the handler ran.
   */
  readonly written?: Promise<unknown>;
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
