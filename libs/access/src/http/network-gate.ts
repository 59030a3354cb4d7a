import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessConfig } from '../access.config';
import { AccessError } from '../access.errors';
import { ACCESS_CLOCK, ACCESS_CONFIG, ACCESS_REALM } from '../access.tokens';
import { AuditService } from '../audit/audit.service';
import { redactParams } from '../audit/redact';
import type { Clock } from '../clock';
import { IpAllowlist } from '../policy/cidr';
import type { Realm } from '../realm';
import { requestMeta } from './request-access';

/**
 * Liveness stays answerable from anywhere: it says `{status: 'ok'}` and nothing the open port and a
 * 403 would not, and refusing it would turn a too-narrow allowlist into a probe-driven restart loop.
 * Readiness (database, migrations, clock details) is gated like every other route.
 */
const UNGATED_ROUTES = new Set(['GET /health', 'HEAD /health']);

/** The audit action of a refused request: method and matched route pattern (never the raw URL), e.g. `route:POST:auth.login`. */
export function routeCode(method: string, route: string | undefined): string {
  const path = route === undefined ? 'unmatched' : route.replace(/^\/+/, '').replace(/\//g, '.').replace(/[^A-Za-z0-9_.:-]/g, '_') || 'root';
  return `route:${method}:${path}`.slice(0, 80);
}

/**
 * The realm's network (ACCESS_NETWORKS_<REALM>) applied to the whole API, not only to the policy's
 * grants: a request from outside it is refused (403, ACCESS.DENIED) with a 'denied' audit row in a
 * Fastify onRequest hook, so before routing to a handler, body parsing, the guard, a password or a
 * one-time code is looked at, on public, authenticated, authorized and unknown routes alike. The
 * address is Fastify's `request.ip` (TRUSTED_PROXIES decides whether X-Forwarded-For counts), the
 * same one the policy, login throttling and audit rows see. Unset lists mean anywhere.
 */
@Injectable()
export class NetworkGate implements OnModuleInit {
  private readonly allowlist: IpAllowlist;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ACCESS_REALM) private readonly realm: Realm,
    @Inject(ACCESS_CONFIG) config: AccessConfig,
    private readonly audit: AuditService,
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
  ) {
    this.allowlist = new IpAllowlist(config.networks[realm]);
  }

  /** Runs while the app initialises, after createHttpApp's hooks (correlation id first) and before it listens. */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // an application context without HTTP: nothing to gate
    const fastify = adapter.getInstance<FastifyInstance>();
    // Not silently open on another HTTP adapter.
    if (typeof fastify?.addHook !== 'function') throw new Error('the network gate needs the Fastify adapter');
    fastify.addHook('onRequest', (request: FastifyRequest) => this.admit(request));
  }

  async admit(request: FastifyRequest): Promise<void> {
    if (this.allowlist.allows(request.ip)) return;
    const route = request.routeOptions.url;
    if (route !== undefined && UNGATED_ROUTES.has(`${request.method} ${route}`)) return;
    await this.audit.record({
      ...requestMeta(request), at: this.clock.now(), realm: this.realm, action: routeCode(request.method, route),
      outcome: 'denied', status: 403, reason: 'ip_not_allowed',
      // Path ids of a matched route only (an unknown route's wildcard holds raw client text).
      params: route === undefined ? undefined : redactParams({ path: request.params }),
    });
    throw new AccessError('ACCESS.DENIED', 'ip_not_allowed');
  }
}
