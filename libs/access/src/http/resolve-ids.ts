import type { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isUuid } from '../realm';
import type { IdSource } from './access.decorators';

function field(source: unknown, name: string): unknown {
  return source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
}

/** Reads an id from the request; anything that is not a UUID counts as absent (and is never looked up). */
export async function resolveId(source: IdSource | undefined, request: FastifyRequest, modules: ModuleRef): Promise<string | undefined> {
  if (!source) return undefined;
  let value: unknown;
  if (typeof source === 'function') value = await source(request, modules);
  else if ('param' in source) value = field(request.params, source.param);
  else if ('query' in source) value = field(request.query, source.query);
  else value = field(request.body, source.body);
  return isUuid(value) ? value : undefined;
}

/** The default audit id: the route's own `id` or `caseId` parameter. */
export function defaultResourceId(request: FastifyRequest): string | undefined {
  const value = field(request.params, 'id') ?? field(request.params, 'caseId');
  return isUuid(value) ? value : undefined;
}
