import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { etagOf } from './if-match';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOKEN = /^[a-z][a-z_]{0,40}$/;

/** Responses that carry `revision` (a stream revision) get it as their ETag. */
export function setRevisionEtag(reply: FastifyReply, body: unknown): void {
  const revision = (body as { revision?: unknown } | null)?.revision;
  if (typeof revision === 'number' && Number.isSafeInteger(revision) && revision >= 0) reply.header('etag', etagOf(revision));
}

/**
 * Only responses made of ids, integers, booleans and status tokens are kept for idempotent replay,
 * so the idempotency table can never hold PHI even if a route one day returned some.
 */
export function isReplayableBody(body: unknown): body is Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  return Object.values(body).every(
    (v) => typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && (UUID.test(v) || TOKEN.test(v))),
  );
}

/** For reads: the ETag is the revision of the stream the view was folded from. */
@Injectable()
export class RevisionEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body) => {
        setRevisionEtag(reply, body);
        return body;
      }),
    );
  }
}
