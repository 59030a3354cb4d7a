import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
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
export class NetworkGate implements OnModuleInit, OnModuleDestroy {
  private readonly allowlist: IpAllowlist;
  private readonly refusals = new RefusalBudget();
  private flushTimer?: NodeJS.Timeout;

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
    // A flood that stops still gets its summary row once its minute is over.
    this.flushTimer = setInterval(() => void this.flushSuppressed(), 15_000);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushSuppressed(Number.POSITIVE_INFINITY);
  }

  async admit(request: FastifyRequest): Promise<void> {
    if (this.allowlist.allows(request.ip)) return;
    const route = request.routeOptions.url;
    if (route !== undefined && UNGATED_ROUTES.has(`${request.method} ${route}`)) return;
    await this.flushSuppressed();
    if (!this.refusals.take(request.ip, this.clock.now().getTime())) throw new AccessError('ACCESS.DENIED', 'ip_not_allowed');
    await this.audit.record({
      ...requestMeta(request), at: this.clock.now(), realm: this.realm, action: routeCode(request.method, route),
      outcome: 'denied', status: 403, reason: 'ip_not_allowed',
      // Path ids of a matched route only (an unknown route's wildcard holds raw client text).
      params: route === undefined ? undefined : redactParams({ path: request.params }),
    });
    throw new AccessError('ACCESS.DENIED', 'ip_not_allowed');
  }

  /** One row per address (or for the untracked rest) whose refusals past the budget went unrecorded in a minute now over. */
  private async flushSuppressed(now = this.clock.now().getTime()): Promise<void> {
    for (const { ip, suppressed } of this.refusals.drain(now)) {
      await this.audit
        .record({
          at: this.clock.now(), realm: this.realm, action: 'network.refusals_unrecorded', outcome: 'denied', status: 403,
          reason: 'ip_not_allowed', ip: ip ?? undefined, params: { suppressed },
        })
        .catch(() => undefined); // the refusals stand; only their count is lost, and the chain stays whole
    }
  }
}

const MINUTE_MS = 60_000;
/** Refusals recorded one by one per address and minute; the rest are counted into one row. */
const RECORDED_PER_ADDRESS_MINUTE = 100;
/** Addresses tracked per minute; refusals from further ones are counted together (no address). */
const TRACKED_ADDRESSES = 10_000;

/**
 * Every refusal from outside the network used to append a row to the hash-chained audit log: a scan
 * or flood from the internet became unbounded, unprunable audit growth (each row holding an address
 * and user agent) and queued on the audit head beside real accesses. Per address and minute the
 * first RECORDED_PER_ADDRESS_MINUTE refusals are recorded as before; the rest are counted, and the
 * count is recorded once the minute is over (`network.refusals_unrecorded`, params.suppressed).
 */
export class RefusalBudget {
  private minute = Number.NEGATIVE_INFINITY;
  private counts = new Map<string, number>();
  private overflow = 0;
  private pending: { ip: string | null; suppressed: number }[] = [];

  /** Whether this refusal is recorded on its own. */
  take(ip: string, now: number): boolean {
    this.roll(Math.floor(now / MINUTE_MS));
    const seen = this.counts.get(ip);
    if (seen === undefined && this.counts.size >= TRACKED_ADDRESSES) {
      this.overflow++;
      return false;
    }
    this.counts.set(ip, (seen ?? 0) + 1);
    return (seen ?? 0) < RECORDED_PER_ADDRESS_MINUTE;
  }

  /** Counts of the minutes over by `now`, taken out. */
  drain(now: number): { ip: string | null; suppressed: number }[] {
    this.roll(now === Number.POSITIVE_INFINITY ? now : Math.floor(now / MINUTE_MS));
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private roll(minute: number): void {
    if (minute === this.minute) return;
    for (const [ip, count] of this.counts) {
      if (count > RECORDED_PER_ADDRESS_MINUTE) this.pending.push({ ip, suppressed: count - RECORDED_PER_ADDRESS_MINUTE });
    }
    if (this.overflow > 0) this.pending.push({ ip: null, suppressed: this.overflow });
    this.counts = new Map();
    this.overflow = 0;
    this.minute = minute;
  }
}
