import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessError } from '../access.errors';
import { redactParams } from '../audit/redact';
import { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import { AccessPolicyService, type PatientFacts } from '../policy/access-policy.service';
import { who } from '../sessions/account.service';
import type { AccessDecision, QueryFilter, ResourceRef } from '../policy/policy.types';
import { JwtAuthenticator } from '../tokens/jwt-authenticator';
import type { TokenClaims } from '../tokens/token.types';
import { ACCESS_CLOCK, ACCESS_PUBLIC_CONTROLLERS } from '../access.tokens';
import { ACCESS_ROUTE, type AccessRouteMeta } from './access.decorators';
import { requestMeta } from './request-access';
import { defaultResourceId, resolveId } from './resolve-ids';

/** Reads: the handler may run while the guard's rows commit; nothing leaves before they have (see RequestAccess.written). */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The application-wide guard (APP_GUARD): every route must declare @Public, @Authenticated or
 * @Authorize, or it is refused, so a new route cannot forget access control. For @Authorize it
 * authenticates (passport-jwt + live session), evaluates the policy and appends the audit row
 * before the handler runs. A denial waits for its row. A grant on a command waits too: no audit
 * row, no handler (503). A grant on a read lets the handler run while the row commits, and
 * AuditOutcomeInterceptor sends nothing until it has: no audit row, no data (503).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly modules: ModuleRef,
    private readonly authenticator: JwtAuthenticator,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditService,
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
    @Inject(ACCESS_PUBLIC_CONTROLLERS) private readonly publicControllers: readonly Function[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.getAllAndOverride<AccessRouteMeta | undefined>(ACCESS_ROUTE, [context.getHandler(), context.getClass()]);
    if (!meta) {
      if (this.publicControllers.includes(context.getClass())) return true;
      throw new AccessError('ACCESS.DENIED', 'route declares no access rule');
    }
    if (meta.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (meta.kind === 'authorize') return this.authorizeAudited(meta, request);
    const outcome = await this.authenticate(request); // 'authenticated': a live session, no policy
    if ('failure' in outcome) throw new AccessError(outcome.failure === 'session_ended' ? 'AUTH.SESSION_ENDED' : 'AUTH.UNAUTHENTICATED');
    request.access = { subject: outcome.subject };
    return true;
  }

  /**
   * A decision that could not be made (database down, a stale read model, a tampered case stream)
   * is refused with 503 and still leaves an 'error' row naming the cause's code, when the audit
   * store itself is up.
   */
  private async authorizeAudited(meta: Extract<AccessRouteMeta, { kind: 'authorize' }>, request: FastifyRequest): Promise<boolean> {
    try {
      return await this.authorize(meta, request);
    } catch (error) {
      if (!(error instanceof AccessError) || error.code !== 'AUTH.UNAVAILABLE') throw error;
      await this.audit
        .record({
          ...requestMeta(request), at: this.clock.now(), action: `${meta.resource}.${meta.action}`, resourceType: meta.resource,
          resourceId: defaultResourceId(request), outcome: 'error', status: 503, reason: error.detail,
          params: redactParams({ path: request.params, query: request.query, body: request.body }),
        })
        .catch(() => undefined); // the 503 stands either way
      throw error;
    }
  }

  private async authorize(meta: Extract<AccessRouteMeta, { kind: 'authorize' }>, request: FastifyRequest): Promise<boolean> {
    // Once the token has checked out, the resource and the patient facts its claims' role would need
    // are read while the session is being checked; they are used only if the session confirms that user and role.
    let early: Promise<{ resource: ResourceRef; facts?: PatientFacts }> | undefined;
    const outcome = await this.authenticate(request, (claims) => {
      early = this.resource(meta, request).then((resource) => ({ resource, facts: this.prefetch(meta, resource, claims) }));
      early.catch(() => undefined); // unused when the session has ended; otherwise awaited below
    });
    const at = this.clock.now();
    const origin = requestMeta(request);
    const actionCode = `${meta.resource}.${meta.action}`;
    const params = redactParams({ path: request.params, query: request.query, body: request.body });
    if ('failure' in outcome) {
      await this.audit.record({
        ...origin, at, action: actionCode, resourceType: meta.resource, resourceId: defaultResourceId(request), actorId: outcome.userId,
        sessionId: outcome.sessionId, outcome: 'denied', status: 401, reason: outcome.failure, params,
      });
      throw new AccessError(outcome.failure === 'session_ended' ? 'AUTH.SESSION_ENDED' : 'AUTH.UNAUTHENTICATED');
    }

    const subject = outcome.subject;
    const { resource, facts } = await (early ?? this.resource(meta, request).then((r) => ({ resource: r, facts: undefined })));
    let decision: AccessDecision;
    let filter: QueryFilter | undefined;
    if (outcome.passwordMustChange) {
      decision = { allowed: false, policyVersion: this.policy.version, reason: 'password_change_required', breakGlass: false };
    } else if (meta.options.collection && !resource.patientId) {
      filter = this.policy.filterFor(subject, meta.resource, meta.action, { at, ip: origin.ip });
      decision = { allowed: filter.allowed, policyVersion: filter.policyVersion, reason: filter.allowed ? undefined : 'no_rule', breakGlass: filter.breakGlass };
    } else {
      decision = await this.guarded(() => this.policy.evaluate(subject, meta.action, resource, { at, ip: origin.ip }, facts));
    }

    const breakGlass = decision.allowed && decision.breakGlass;
    const purpose = breakGlass && subject.breakGlass ? `${subject.breakGlass.reason}:${subject.breakGlass.ticket}` : meta.options.purpose;
    // Each row's failure is observed at once (a later step may throw before anyone awaits it); the
    // caller still learns it from `written` or from awaiting the row itself.
    const rows: Promise<unknown>[] = [];
    const append = (row: Promise<unknown>) => {
      row.catch(() => undefined);
      rows.push(row);
    };
    append(this.audit.record({
      ...origin, at, ...who(subject),
      action: actionCode, resourceType: meta.resource, resourceId: resource.id, patientId: resource.patientId,
      outcome: decision.allowed ? 'granted' : 'denied', status: decision.allowed ? undefined : 403,
      reason: decision.allowed ? decision.ruleId : decision.reason, params, policyVersion: decision.policyVersion, breakGlass, purpose,
    }));
    if (!decision.allowed) {
      await rows[0];
      throw new AccessError(outcome.passwordMustChange ? 'AUTH.PASSWORD_CHANGE_REQUIRED' : 'ACCESS.DENIED', decision.reason);
    }
    let disclosure: AccessDecision | undefined;
    if (meta.options.disclosure) {
      // What the response will contain is itself an access to account for: its own row, granted or withheld.
      disclosure = await this.guarded(() => this.policy.evaluate(subject, meta.options.disclosure!, resource, { at, ip: origin.ip }, facts));
      append(this.audit.record({
        ...origin, at, ...who(subject),
        action: `${meta.resource}.${meta.options.disclosure}`, resourceType: meta.resource, resourceId: resource.id, patientId: resource.patientId,
        outcome: disclosure.allowed ? 'granted' : 'denied', reason: disclosure.allowed ? disclosure.ruleId : `withheld:${disclosure.reason ?? 'no_rule'}`,
        params, policyVersion: disclosure.policyVersion, breakGlass: disclosure.allowed && disclosure.breakGlass, purpose: meta.options.purpose,
      }));
    }
    // Appended in call order, so the chain already holds them before any row the handler or interceptor adds.
    const written = Promise.all(rows);
    if (READ_METHODS.has(request.method)) {
      written.catch(() => undefined); // awaited by AuditOutcomeInterceptor, which answers 503 in its place
    } else {
      await written;
    }
    request.access = { subject, action: actionCode, resource, decision, filter, disclosure, purpose, audited: true, written };
    return true;
  }

  private async authenticate(request: FastifyRequest, verified?: (claims: TokenClaims) => void) {
    return this.guarded(() => this.authenticator.authenticate(request, verified));
  }

  /** The facts an evaluation for the claims' role will read, started now (see AccessPolicyService.patientFacts). */
  private prefetch(meta: Extract<AccessRouteMeta, { kind: 'authorize' }>, resource: ResourceRef, claims: TokenClaims): PatientFacts | undefined {
    if (!claims.role || (meta.options.collection && !resource.patientId)) return undefined;
    return this.policy.patientFacts({ realm: claims.realm, role: claims.role, userId: claims.sub }, meta.action, resource);
  }

  private async resource(meta: Extract<AccessRouteMeta, { kind: 'authorize' }>, request: FastifyRequest): Promise<ResourceRef> {
    return this.guarded(async () => {
      const patientId = await resolveId(meta.options.patientIdFrom, request, this.modules);
      const clinicId = await resolveId(meta.options.clinicIdFrom, request, this.modules);
      const id = (await resolveId(meta.options.resourceIdFrom, request, this.modules)) ?? defaultResourceId(request) ?? patientId;
      return { type: meta.resource, id, patientId, clinicId };
    });
  }

  /** Infrastructure failures while deciding become 503: never a grant, never a stack trace. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AccessError) throw error;
      // The cause's code (e.g. CRYPTO.TAMPER_DETECTED) for the audit row; never its message.
      const code = (error as { code?: unknown })?.code;
      throw new AccessError('AUTH.UNAVAILABLE', typeof code === 'string' && /^[A-Z0-9_.]{1,64}$/.test(code) ? code : 'INTERNAL');
    }
  }
}
