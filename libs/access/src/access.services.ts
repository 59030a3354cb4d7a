import type pg from 'pg';
import type { Logger } from 'pino';
import { createKeyProvider, type KeyProvider } from '@ortholedger/crypto';
import { type AccessConfig, loadAccessConfig } from './access.config';
import { AuditService } from './audit/audit.service';
import { AuditStore } from './audit/audit-store';
import type { CareTeamDirectory } from './care-team/care-team.directory';
import { CoalescedCareTeamDirectory } from './care-team/coalesced-care-team.directory';
import { PostgresCareTeamDirectory } from './care-team/postgres-care-team.directory';
import { type Clock, systemClock } from './clock';
import { PasswordHasher } from './identity/password-hasher';
import { UserAdminService } from './identity/user-admin.service';
import { loadRealmSigningKey } from './keys/jwt-keys';
import { SecretKeyring } from './keys/secret-keyring';
import { LoginThrottle } from './login/login-throttle';
import { LoginService } from './login/login.service';
import { MfaService } from './mfa/mfa.service';
import { POLICY_V1 } from './policies/policy.v1';
import { AccessPolicyService } from './policy/access-policy.service';
import type { PolicyDocument } from './policy/policy.types';
import type { Realm } from './realm';
import { AccountService } from './sessions/account.service';
import { SessionTokens } from './sessions/session-tokens';
import { SessionService } from './sessions/session.service';
import { JwtAuthenticator } from './tokens/jwt-authenticator';
import { TokenService } from './tokens/token.service';

/** The parts of the platform's Runtime this lib uses (structural: the access lib does not import the platform). */
export interface AccessRuntime {
  readonly config: {
    readonly dataDir: string;
    readonly production: boolean;
    readonly keyProvider: 'local' | 'aws-kms';
    readonly localMasterKeyFile?: string;
    readonly awsKmsKeyId?: string;
    readonly awsKmsPreviousKeyIds?: readonly string[];
    readonly awsRegion?: string;
  };
  /** `audit`: the audit store's own connections (see DatabasePools); the app pool when not given. */
  readonly pools: { readonly app: pg.Pool; readonly audit?: pg.Pool };
}

export interface AccessServicesOptions {
  /** Tests inject a ManualClock; everything time-based (sessions, TOTP, tokens, audit) reads it. */
  readonly clock?: Clock;
  readonly careTeam?: CareTeamDirectory;
  readonly policy?: PolicyDocument;
  /** Overrides process.env for the access settings (tests, embedded runs). */
  readonly env?: Record<string, string | undefined>;
  readonly logger?: Logger;
  /** Defaults to the least-privilege app pool. */
  readonly pool?: pg.Pool;
  /** The audit store's pool; defaults to the runtime's audit pool, else the app pool. */
  readonly auditPool?: pg.Pool;
  /** Wraps the access root key; defaults to the runtime's KEY_PROVIDER (local file / AWS KMS). */
  readonly keyProvider?: KeyProvider;
}

/** Realm-independent services: enough for the CLI (users, audit) and demo seeding. */
export interface IdentityServices {
  readonly config: AccessConfig;
  readonly clock: Clock;
  readonly pool: pg.Pool;
  readonly keyring: SecretKeyring;
  readonly hasher: PasswordHasher;
  readonly sessions: SessionService;
  readonly auditStore: AuditStore;
  readonly audit: AuditService;
  readonly users: UserAdminService;
  readonly careTeam: CareTeamDirectory;
  readonly policy: AccessPolicyService;
}

export interface AccessServices extends IdentityServices {
  readonly realm: Realm;
  readonly tokens: TokenService;
  readonly login: LoginService;
  readonly mfa: MfaService;
  readonly account: AccountService;
  readonly authenticator: JwtAuthenticator;
}

export async function createIdentityServices(runtime: AccessRuntime, options: AccessServicesOptions = {}): Promise<IdentityServices> {
  const config = loadAccessConfig({ ...process.env, ...options.env }, runtime.config.dataDir, runtime.config.production);
  const clock = options.clock ?? systemClock;
  const pool = options.pool ?? runtime.pools.app;
  const provider = options.keyProvider ?? createKeyProvider({ ...runtime.config });
  const keyring = await SecretKeyring.load(pool, provider);
  const hasher = new PasswordHasher();
  const sessions = new SessionService(pool, clock, config);
  const auditStore = new AuditStore(options.auditPool ?? runtime.pools.audit ?? pool, keyring.auditChain);
  const audit = new AuditService(auditStore, clock, options.logger);
  const careTeam = CoalescedCareTeamDirectory.over(options.careTeam ?? new PostgresCareTeamDirectory(pool));
  const policy = new AccessPolicyService(
    options.policy ?? POLICY_V1,
    { networks: config.networks, windows: config.hours },
    careTeam,
  );
  const users = new UserAdminService(pool, clock, keyring, hasher, sessions, audit, config.oneTimePasswordSeconds);
  return { config, clock, pool, keyring, hasher, sessions, auditStore, audit, users, careTeam, policy };
}

/** Everything one API needs for its realm. */
export async function createAccessServices(runtime: AccessRuntime, realm: Realm, options: AccessServicesOptions = {}): Promise<AccessServices> {
  const base = await createIdentityServices(runtime, options);
  const { config, clock, pool, keyring, hasher, sessions, audit, policy } = base;
  const key = loadRealmSigningKey(config.keys[realm]);
  const tokens = new TokenService(realm, key, config, clock);
  const sessionTokens = new SessionTokens(tokens, sessions);
  const login = new LoginService(realm, pool, clock, config, keyring, hasher, new LoginThrottle(pool, clock, config), tokens, audit);
  const mfa = new MfaService(realm, pool, clock, keyring, tokens, sessions, sessionTokens, login, audit);
  const account = new AccountService(realm, pool, clock, tokens, sessions, sessionTokens, hasher, login, policy, audit);
  const authenticator = new JwtAuthenticator(tokens, key, sessions, clock);
  return { ...base, realm, tokens, login, mfa, account, authenticator };
}
