import { type DynamicModule, Global, type InjectionToken, Module, type Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from 'pino';
import { type AccessRuntime, type AccessServices, type AccessServicesOptions, createAccessServices } from './access.services';
import { ACCESS_CLOCK, ACCESS_CONFIG, ACCESS_PUBLIC_CONTROLLERS, ACCESS_REALM, ACCESS_SERVICES } from './access.tokens';
import { AuditService } from './audit/audit.service';
import { CARE_TEAM_DIRECTORY, type CareTeamDirectory } from './care-team/care-team.directory';
import { AccessGuard } from './http/access.guard';
import { AdminUsersController } from './http/admin-users.controller';
import { AuditOutcomeInterceptor } from './http/audit-outcome.interceptor';
import { AuthController, BreakGlassController } from './http/auth.controller';
import { NetworkGate } from './http/network-gate';
import { AccessPolicyService } from './policy/access-policy.service';
import type { Realm } from './realm';
import { JwtAuthenticator } from './tokens/jwt-authenticator';

export interface AccessModuleOptions extends Omit<AccessServicesOptions, 'logger' | 'pool'> {
  readonly realm: Realm;
  /** Controllers without access metadata that stay reachable. Everything else must declare its access. */
  readonly publicControllers?: readonly Type[];
  /** Modules whose controllers are all public (the platform's HealthModule: liveness and readiness probes). */
  readonly publicModules?: readonly Type[];
  /**
   * The care-team directory built from other modules' providers when it cannot be a value (the
   * clinic API's needs the raw event store); `careTeam` wins when both are given.
   */
  readonly careTeamFrom?: { readonly inject: readonly InjectionToken[]; useFactory(...deps: unknown[]): CareTeamDirectory };
}

/**
 * Identity, sessions, policy and audit for one realm's API. Global, so feature modules can use
 * @Authorize, AccessPolicyService and AuditService without importing it. Registers the realm's
 * network gate (before any guard, body parsing or handler), the guard that every route passes
 * through, the auth routes, and (back office) support's user administration.
 */
@Global()
@Module({})
export class AccessModule {
  /** Like PlatformModule.forRoot: the runtime and logger come in as values (this lib does not import the platform). */
  static forRoot(runtime: AccessRuntime, logger: Logger, options: AccessModuleOptions): DynamicModule {
    const backoffice = options.realm === 'backoffice';
    return {
      module: AccessModule,
      controllers: backoffice ? [AuthController, BreakGlassController, AdminUsersController] : [AuthController],
      providers: [
        {
          provide: ACCESS_SERVICES,
          inject: [...(options.careTeamFrom?.inject ?? [])],
          useFactory: (...deps: unknown[]) =>
            createAccessServices(runtime, options.realm, { ...options, careTeam: options.careTeam ?? options.careTeamFrom?.useFactory(...deps), logger }),
        },
        { provide: ACCESS_REALM, useValue: options.realm },
        { provide: ACCESS_PUBLIC_CONTROLLERS, useValue: publicControllers(options) },
        { provide: ACCESS_CONFIG, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.config },
        { provide: ACCESS_CLOCK, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.clock },
        { provide: AuditService, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.audit },
        { provide: AccessPolicyService, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.policy },
        { provide: JwtAuthenticator, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.authenticator },
        { provide: CARE_TEAM_DIRECTORY, inject: [ACCESS_SERVICES], useFactory: (s: AccessServices) => s.careTeam },
        NetworkGate,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditOutcomeInterceptor },
      ],
      exports: [ACCESS_SERVICES, ACCESS_CONFIG, ACCESS_CLOCK, AuditService, AccessPolicyService, CARE_TEAM_DIRECTORY, ACCESS_REALM],
    };
  }
}

function publicControllers(options: AccessModuleOptions): Type[] {
  const fromModules = (options.publicModules ?? []).flatMap((m) => (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, m) as Type[] | undefined) ?? []);
  return [...(options.publicControllers ?? []), ...fromModules];
}
