import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'precondition'
  | 'validation'
  | 'too_many'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition: 412,
  validation: 422,
  too_many: 429,
  unavailable: 503,
  internal: 500,
};

/** Infrastructure codes whose errors do not carry a kind of their own. */
const KIND_BY_CODE: Record<string, ErrorKind> = {
  'EVENT_STORE.WRONG_EXPECTED_VERSION': 'conflict',
  'EVENT_STORE.STREAM_NOT_FOUND': 'not_found',
  'EVENT_STORE.INVALID_STREAM_NAME': 'bad_request',
  'EVENT_STORE.EVENT_TOO_LARGE': 'bad_request',
  'EVENT_STORE.INVALID_APPEND': 'bad_request',
  'CRYPTO.SUBJECT_ERASED': 'gone',
  'CRYPTO.TAMPER_DETECTED': 'internal',
};

interface CodedError {
  code: string;
  kind?: ErrorKind | string;
  message: string;
  /** Messages of errors marked public may be shown; others are replaced by a generic text. */
  publicMessage?: string;
}

function isCoded(error: unknown): error is CodedError {
  return typeof error === 'object' && error !== null && typeof (error as CodedError).code === 'string' && (error as CodedError).code.includes('.');
}

/**
 * Headers that describe a resource (set by a handler or an interceptor before the request failed,
 * e.g. a read's ETag before its audit row turned out unwritable): an error response carries none
 * of them, so it says nothing about the resource it refused.
 */
const RESOURCE_HEADERS = ['etag', 'last-modified', 'location', 'content-location', 'content-disposition', 'idempotent-replayed'] as const;

/** The only place that turns errors into HTTP responses: `{code, message, correlationId}`, never PHI or stacks. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const correlationId = String(request.id);
    const { status, code, message } = this.describe(error);
    if (status >= 500) {
      // Only the code and the error's class: messages of lower layers could in theory echo input.
      this.logger.error({ correlationId, code, error: (error as Error)?.name ?? typeof error }, 'request failed');
    }
    for (const header of RESOURCE_HEADERS) if (reply.hasHeader(header)) reply.removeHeader(header);
    void reply
      .status(status)
      .header('cache-control', 'no-store')
      .header('content-type', 'application/json; charset=utf-8')
      .send({ code, message, correlationId });
  }

  private describe(error: unknown): { status: number; code: string; message: string } {
    if (isCoded(error)) {
      const kind = (KIND_BY_CODE[error.code] ?? error.kind ?? 'internal') as ErrorKind;
      const status = STATUS[kind] ?? 500;
      return { status, code: error.code, message: status >= 500 ? 'The request could not be completed' : error.publicMessage ?? error.message };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const details = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
      const message = Array.isArray(details) ? details.slice(0, 20).join('; ') : status === 404 ? 'Not found' : error.message;
      return { status, code: httpCode(status), message };
    }
    const fastifyError = error as { statusCode?: number; code?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      // Fastify's own refusals: body too large, bad JSON, unsupported media type.
      return { status: fastifyError.statusCode, code: httpCode(fastifyError.statusCode), message: 'The request was refused' };
    }
    return { status: 500, code: 'INTERNAL', message: 'The request could not be completed' };
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'REQUEST.INVALID';
    case 401: return 'AUTH.UNAUTHENTICATED';
    case 403: return 'ACCESS.DENIED';
    case 404: return 'REQUEST.NOT_FOUND';
    case 405: return 'REQUEST.METHOD_NOT_ALLOWED';
    case 409: return 'REQUEST.CONFLICT';
    case 412: return 'REQUEST.PRECONDITION_FAILED';
    case 413: return 'REQUEST.TOO_LARGE';
    case 415: return 'REQUEST.UNSUPPORTED_MEDIA_TYPE';
    case 422: return 'REQUEST.UNPROCESSABLE';
    case 429: return 'REQUEST.TOO_MANY';
    case 503: return 'SERVICE.UNAVAILABLE';
    default: return status >= 500 ? 'INTERNAL' : 'REQUEST.REFUSED';
  }
}
