import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type Action, PATIENT_RESOURCES, type Resource } from '../policy/policy.types';
import type { RequestAccess } from './request-access';

/** Where an id comes from: a path parameter, a body or query field, or a resolver (e.g. case -> patient). */
export type IdSource =
  | { readonly param: string }
  | { readonly body: string }
  | { readonly query: string }
  | ((request: FastifyRequest, modules: ModuleRef) => string | undefined | Promise<string | undefined>);

export interface AuthorizeOptions {
  /** The patient whose data the route touches; required for patient-scoped actions. */
  readonly patientIdFrom?: IdSource;
  /** The id written to the audit row; defaults to the `id`/`caseId` path parameter, else the patient. */
  readonly resourceIdFrom?: IdSource;
  /** Target clinic of actions without a patient yet (register); defaults to the subject's clinic. */
  readonly clinicIdFrom?: IdSource;
  /** A search or list: the guard grants if any scope exists and hands the handler a QueryFilter. */
  readonly collection?: boolean;
  /**
   * Collections of patient data: the patients whose data the response holds. Each gets its own
   * audit row (reason `in_results`, same action, purpose and correlation id) before the response
   * leaves, so "who saw this patient" is answered for searches and lists too. Required with
   * `collection` on patient resources.
   */
  readonly returnsPatients?: (response: any) => readonly string[];
  /**
   * Collections whose rows may carry the content of a second action (a case list with clinical
   * summaries for the rows the caller may read clinically): the records that carry it, each audited
   * as `<resource>.<action>` (e.g. `case.read_clinical`) with its own id and patient, reason
   * `in_results`, before the response leaves. "Who read this case's diagnosis" then counts lists too.
   */
  readonly returnsDisclosed?: { readonly action: string; readonly records: (response: any) => readonly { readonly id: string; readonly patientId: string }[] };
  /** Purpose of use written to the audit row (a code, e.g. `treatment`). */
  readonly purpose?: string;
  /**
   * A second action decided with the first and audited in its own row, for routes whose response
   * depends on it (e.g. `read_clinical`: whether clinical content is included). The handler reads
   * the decision from `request.access.disclosure` instead of evaluating the policy itself.
   */
  readonly disclosure?: string;
}

export const ACCESS_ROUTE = 'ortholedger:access-route';

export type AccessRouteMeta =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'authorize'; readonly resource: Resource; readonly action: string; readonly options: AuthorizeOptions };

/**
 * JWT + live session + policy + audit row, all before the handler runs.
 *   @Authorize('case', 'approve_plan', { patientIdFrom: resolvePatientOfCase })
 */
export function Authorize<R extends Resource>(resource: R, action: Action<R>, options: AuthorizeOptions = {}) {
  if (PATIENT_RESOURCES.includes(resource) && action !== 'register' && !options.patientIdFrom && !options.collection) {
    // A patient-scoped route that does not say which patient could never be checked: refuse at boot.
    throw new Error(`@Authorize('${resource}', '${action}') needs patientIdFrom (or collection: true)`);
  }
  if (PATIENT_RESOURCES.includes(resource) && options.collection && !options.returnsPatients) {
    // A list of patient data whose rows name no patient would leave the audit log unable to say who was seen.
    throw new Error(`@Authorize('${resource}', '${action}', { collection: true }) needs returnsPatients`);
  }
  return SetMetadata(ACCESS_ROUTE, { kind: 'authorize', resource, action, options } satisfies AccessRouteMeta);
}

/** A signed-in user with a live session, no policy (own account routes). Audited by their services. */
export const Authenticated = () => SetMetadata(ACCESS_ROUTE, { kind: 'authenticated' } satisfies AccessRouteMeta);

/** No authentication (login, refresh); such routes must not return PHI. */
export const Public = () => SetMetadata(ACCESS_ROUTE, { kind: 'public' } satisfies AccessRouteMeta);

function accessOf(ctx: ExecutionContext): RequestAccess {
  const access = ctx.switchToHttp().getRequest<FastifyRequest>().access;
  if (!access) throw new Error('no access context: route lacks @Authorize/@Authenticated');
  return access;
}

/** The verified subject of the request. */
export const CurrentSubject = createParamDecorator((_: unknown, ctx: ExecutionContext) => accessOf(ctx).subject);

/** For `collection: true` routes: the QueryFilter to apply before limits. */
export const AccessFilter = createParamDecorator((_: unknown, ctx: ExecutionContext) => accessOf(ctx).filter);
