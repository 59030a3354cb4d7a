import { applyDecorators, createParamDecorator, type ExecutionContext, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CommandEnvelope } from '../command-envelope';
import { CommandRequestInterceptor } from './command-request.interceptor';
import { RevisionEtagInterceptor } from './revision-etag.interceptor';

/** A route that dispatches a command: envelope, If-Match, Idempotency-Key and ETag handling. */
export const CommandRoute = () => applyDecorators(UseInterceptors(CommandRequestInterceptor));

/** A route that returns a view folded from one stream: ETag = its revision. */
export const RevisionRoute = () => applyDecorators(UseInterceptors(RevisionEtagInterceptor));

/** The command envelope built by CommandRequestInterceptor for this request. */
export const Envelope = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandEnvelope => {
  const envelope = ctx.switchToHttp().getRequest<FastifyRequest>().commandEnvelope;
  if (!envelope) throw new Error('no command envelope: the route lacks @CommandRoute()');
  return envelope;
});
