import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import type { Logger as PinoLogger } from 'pino';
import { ErrorFilter } from './error-filter';
import { RequestValidationPipe } from './request-validation';
import { NestPinoLogger } from '../logging/nest-pino-logger';
import { pathOnly } from '../logging/logger';

export const CORRELATION_HEADER = 'x-correlation-id';
// Only a UUID is taken from the client: the id lands in plaintext event metadata and audit rows,
// so free text (a name, a birth date) must never be accepted there.
const CORRELATION = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export interface HttpAppOptions {
  logger: PinoLogger;
  /** Bytes; JSON bodies over this are refused with 413 before parsing. */
  bodyLimit?: number;
  /** IPs/CIDRs of trusted load balancers (config TRUSTED_PROXIES); none by default. Never `true`: anyone could set the client address. */
  trustProxy?: readonly string[];
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * One way to build an HTTP app for both realms: Fastify, security headers, closed CORS, strict
 * validation, one error filter, a correlation id on every response, no-store by default.
 */
export async function createHttpApp(module: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy.join(',') : false,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers[CORRELATION_HEADER];
      return typeof given === 'string' && CORRELATION.test(given) ? given.toLowerCase() : randomUUID();
    },
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new NestPinoLogger(options.logger),
    bufferLogs: false,
    abortOnError: false,
  });
  await app.register(helmet as never, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    hsts: { maxAge: 31536000, includeSubDomains: true },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(CORRELATION_HEADER, request.id);
    reply.header('cache-control', 'no-store');
  });
  fastify.addHook('onResponse', async (request, reply) => {
    options.logger.info(
      { correlationId: request.id, method: request.method, url: pathOnly(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  app.enableCors({ origin: false });
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  await options.configure?.(app);
  return app;
}

export type HttpApp = INestApplication;
