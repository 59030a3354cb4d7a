import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable, of } from 'rxjs';
import { ACCESS_CLOCK, type Clock } from '@ortholedger/access';
import { canonicalJson } from '@ortholedger/crypto';
import { type CommandEnvelope, createEnvelope } from '../command-envelope';
import { idempotencyKeyDigest, IdempotencyStore, parseIdempotencyKey, RequestFingerprinter } from '../idempotency/idempotency-store';
import { etagOf, parseIfMatch } from './if-match';
import { isReplayableBody, setRevisionEtag } from './revision-etag.interceptor';

declare module 'fastify' {
  interface FastifyRequest {
    commandEnvelope?: CommandEnvelope;
  }
}

/**
 * Runs after the access guard on every command route: builds the command envelope (actor from the
 * verified session, time from the access clock, correlation id, If-Match, Idempotency-Key), replays
 * a completed request of the same key, and puts the new stream revision into the ETag.
 */
@Injectable()
export class CommandRequestInterceptor implements NestInterceptor {
  constructor(
    @Inject(ACCESS_CLOCK) private readonly clock: Clock,
    private readonly idempotency: IdempotencyStore,
    private readonly fingerprints: RequestFingerprinter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const subject = request.access?.subject;
    if (!subject) throw new Error('command route without @Authorize');
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    const keyDigest = key === undefined ? undefined : idempotencyKeyDigest(subject.userId, key);
    const fingerprint = key === undefined ? undefined : this.fingerprints.fingerprint(key, fingerprintInput(request));
    const actor = { userId: subject.userId, role: subject.role, ...(subject.clinicId ? { clinicId: subject.clinicId } : {}) };
    request.commandEnvelope = createEnvelope({
      ctx: { actor, now: this.clock.now().toISOString() },
      correlationId: String(request.id),
      idempotencyKey: keyDigest,
      requestFingerprint: fingerprint,
      expectedRevision: parseIfMatch(request.headers['if-match']),
    });
    if (keyDigest !== undefined && fingerprint !== undefined) {
      const route = `${request.method} ${request.routeOptions?.url ?? '?'}`;
      const begun = await this.idempotency.begin(subject.userId, keyDigest, fingerprint, route);
      if (begun.kind === 'replay') {
        if (typeof begun.body.revision === 'number') reply.header('etag', etagOf(begun.body.revision));
        reply.header('idempotent-replayed', 'true');
        return of(begun.body);
      }
    }
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    return next.handle().pipe(
      mergeMap((body) => {
        setRevisionEtag(reply, body);
        if (keyDigest === undefined || !isReplayableBody(body)) return of(body);
        return from(this.idempotency.complete(subject.userId, keyDigest, status, body).then(() => body));
      }),
    );
  }
}

/** Method, path with ids, and the body as the client sent it (canonical key order). */
function fingerprintInput(request: FastifyRequest): string {
  let body: string;
  try {
    body = canonicalJson(request.body ?? null);
  } catch {
    body = String(request.body);
  }
  return `${request.method} ${request.url.split('?')[0]}\n${body}`;
}
