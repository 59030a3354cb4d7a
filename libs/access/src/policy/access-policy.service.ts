import { AccessError } from '../access.errors';
import type { CareTeamDirectory } from '../care-team/care-team.directory';
import { isUuid, roleBelongsTo } from '../realm';
import { IpAllowlist } from './cidr';
import {
  type AccessContext, type AccessDecision, type AccessSubject, type Condition, type DenyReason, PATIENT_RESOURCES,
  type PolicyDocument, type PolicyParameters, type PolicyRule, type QueryFilter, type QueryScope, RESOURCE_ACTIONS,
  type Resource, type ResourceRef,
} from './policy.types';
import { insideWindow } from './time-window';

/**
 * Facts about one patient for one user, fetched at most once and only if a rule needs them. The
 * guard may start them while the session check is in flight (see AccessPolicyService.patientFacts)
 * and hand the same object to every evaluation of the request.
 */
export class PatientFacts {
  private both?: Promise<{ clinicId?: string; onCareTeam: boolean }>;
  private clinic?: Promise<string | undefined>;
  private member?: Promise<boolean>;
  constructor(
    private readonly directory: CareTeamDirectory,
    readonly patientId: string | undefined,
    readonly userId: string,
  ) {}

  /** Starts what rules with these conditions will ask (both in one round trip when the directory can). */
  start(needsClinic: boolean, needsCareTeam: boolean): this {
    if (!this.patientId) return this;
    if (needsClinic && needsCareTeam && this.directory.patientFacts && !this.clinic && !this.member) {
      this.both ??= this.directory.patientFacts(this.patientId, this.userId);
      this.both.catch(() => undefined); // a failure reaches whoever asks; unasked, it is not an unhandled rejection
    } else {
      if (needsClinic) void this.patientClinic().catch(() => undefined);
      if (needsCareTeam) void this.onCareTeam().catch(() => undefined);
    }
    return this;
  }

  patientClinic(): Promise<string | undefined> {
    if (!this.patientId) return Promise.resolve(undefined);
    if (this.both) return this.both.then((f) => f.clinicId);
    return (this.clinic ??= this.directory.patientClinic(this.patientId));
  }
  onCareTeam(): Promise<boolean> {
    if (!this.patientId) return Promise.resolve(false);
    if (this.both) return this.both.then((f) => f.onCareTeam);
    return (this.member ??= this.directory.isOnCareTeam(this.patientId, this.userId));
  }
}

const isBreakGlass = (rule: PolicyRule) => rule.conditions.some((c) => c.type === 'break_glass');

/**
 * The one place access is decided. Guards call `evaluate` for a single resource; queries call
 * `filterFor` and restrict rows before limits. Deny by default: no matching rule, no access.
 */
export class AccessPolicyService {
  private readonly index = new Map<string, PolicyRule[]>();
  private readonly allowlists = new Map<string, IpAllowlist>();
  readonly version: string;

  constructor(
    private readonly document: PolicyDocument,
    private readonly parameters: PolicyParameters,
    private readonly careTeam: CareTeamDirectory,
  ) {
    this.version = document.version;
    for (const [name, cidrs] of Object.entries(parameters.networks)) this.allowlists.set(name, new IpAllowlist(cidrs));
    for (const rule of document.rules) {
      this.validate(rule);
      for (const role of rule.roles) {
        for (const action of rule.actions) {
          const key = `${role}|${rule.resource}|${action}`;
          const list = this.index.get(key) ?? [];
          list.push(rule);
          // Ordinary grants first: break-glass only counts when nothing else allows.
          list.sort((a, b) => Number(isBreakGlass(a)) - Number(isBreakGlass(b)));
          this.index.set(key, list);
        }
      }
    }
  }

  /**
   * `given`: facts the caller started earlier for this patient and user (see patientFacts); any
   * other object is ignored and the evaluation fetches its own.
   */
  async evaluate(subject: AccessSubject, action: string, resource: ResourceRef, context: AccessContext, given?: PatientFacts): Promise<AccessDecision> {
    const rules = this.rulesFor(subject, resource.type, action);
    if (rules.length === 0) return this.deny('no_rule');
    const needsPatient = PATIENT_RESOURCES.includes(resource.type) && action !== 'register';
    if (needsPatient && !isUuid(resource.patientId)) return this.deny('unknown_patient');
    const usable = given && given.patientId === resource.patientId && given.userId === subject.userId;
    // Rules that read both get them in one round trip, started now; otherwise each is read when a rule reaches it.
    const [clinic, careTeam] = this.factsNeeded(rules);
    const facts = usable ? given : new PatientFacts(this.careTeam, resource.patientId, subject.userId).start(clinic && careTeam, clinic && careTeam);
    let first: DenyReason | undefined;
    for (const rule of rules) {
      const reason = await this.check(rule, subject, resource, context, facts);
      if (!reason) return { allowed: true, policyVersion: this.version, ruleId: rule.id, breakGlass: isBreakGlass(rule) };
      first ??= reason;
    }
    return this.deny(first ?? 'no_rule');
  }

  /**
   * Starts reading the patient facts that this role's rules for (resource, action) would ask, so
   * they travel while the session is still being checked. The caller passes the result to
   * `evaluate` only once the session has confirmed this role and user; unused, it costs one read.
   * Undefined when no rule needs them.
   */
  patientFacts(who: Pick<AccessSubject, 'realm' | 'role' | 'userId'>, action: string, resource: ResourceRef): PatientFacts | undefined {
    if (!isUuid(resource.patientId) || !isUuid(who.userId)) return undefined;
    const rules = this.rulesFor(who, resource.type, action);
    const [clinic, careTeam] = this.factsNeeded(rules);
    if (!clinic && !careTeam) return undefined;
    return new PatientFacts(this.careTeam, resource.patientId, who.userId).start(clinic, careTeam);
  }

  /** [same_clinic, care_team]: whether any of these rules reads the patient's clinic, the care team. */
  private factsNeeded(rules: readonly PolicyRule[]): [boolean, boolean] {
    const needs = (type: string) => rules.some((r) => r.conditions.some((c) => c.type === type));
    return [needs('same_clinic'), needs('care_team')];
  }

  /** Which rows a search may return, as a disjunction of scopes (see QueryFilter). */
  filterFor(subject: AccessSubject, resource: Resource, action: string, context: AccessContext): QueryFilter {
    const scopes: QueryScope[] = [];
    let ordinary = false;
    for (const rule of this.rulesFor(subject, resource, action)) {
      if (rule.conditions.some((c) => this.contextReason(c, subject, context))) continue;
      const scope: { clinicId?: string; careTeamMember?: string } = {};
      if (rule.conditions.some((c) => c.type === 'same_clinic')) {
        if (!subject.clinicId) continue;
        scope.clinicId = subject.clinicId;
      }
      if (rule.conditions.some((c) => c.type === 'care_team')) scope.careTeamMember = subject.userId;
      if (!isBreakGlass(rule)) ordinary = true;
      scopes.push(scope);
    }
    const unrestricted = scopes.some((s) => s.clinicId === undefined && s.careTeamMember === undefined);
    const unique = unrestricted ? [{}] : dedupe(scopes);
    return { allowed: unique.length > 0, scopes: unique, breakGlass: unique.length > 0 && !ordinary, policyVersion: this.version };
  }

  /** Whether any rule of this role could ever be satisfied through break-glass. */
  allowsBreakGlass(role: string): boolean {
    return this.document.rules.some((r) => isBreakGlass(r) && (r.roles as readonly string[]).includes(role));
  }

  private rulesFor(subject: Pick<AccessSubject, 'realm' | 'role'>, resource: Resource, action: string): PolicyRule[] {
    if (!roleBelongsTo(subject.role, subject.realm)) return [];
    return this.index.get(`${subject.role}|${resource}|${action}`) ?? [];
  }

  private async check(rule: PolicyRule, subject: AccessSubject, resource: ResourceRef, context: AccessContext, facts: PatientFacts): Promise<DenyReason | undefined> {
    // Request-level conditions first: they cost nothing and need no patient lookup.
    for (const condition of rule.conditions) {
      const reason = this.contextReason(condition, subject, context);
      if (reason) return reason;
    }
    for (const condition of rule.conditions) {
      if (condition.type === 'same_clinic') {
        if (!subject.clinicId) return 'clinic_mismatch';
        if (resource.patientId) {
          const clinic = await facts.patientClinic();
          if (clinic === undefined) return 'unknown_patient';
          if (clinic !== subject.clinicId) return 'clinic_mismatch';
        } else if (resource.clinicId !== undefined && resource.clinicId !== subject.clinicId) {
          return 'clinic_mismatch';
        }
      } else if (condition.type === 'care_team') {
        if (!(await facts.onCareTeam())) return 'not_on_care_team';
      }
    }
    return undefined;
  }

  private contextReason(condition: Condition, subject: AccessSubject, context: AccessContext): DenyReason | undefined {
    switch (condition.type) {
      case 'mfa':
        return subject.mfa ? undefined : 'mfa_required';
      case 'ip_allowlist':
        return this.allowlists.get(condition.network)?.allows(context.ip) ? undefined : 'ip_not_allowed';
      case 'time_window': {
        const window = this.parameters.windows[condition.window];
        return window === undefined || insideWindow(window, context.at) ? undefined : 'outside_time_window';
      }
      case 'break_glass':
        return subject.breakGlass && subject.breakGlass.until.getTime() > context.at.getTime() ? undefined : 'break_glass_required';
      case 'same_clinic':
      case 'care_team':
        return undefined;
      default: {
        const unknown: never = condition;
        throw new Error(`unknown policy condition ${(unknown as Condition).type}`);
      }
    }
  }

  private validate(rule: PolicyRule): void {
    const actions = RESOURCE_ACTIONS[rule.resource] as readonly string[] | undefined;
    if (!actions) throw new Error(`policy rule ${rule.id}: unknown resource`);
    for (const action of rule.actions) if (!actions.includes(action)) throw new Error(`policy rule ${rule.id}: unknown action ${action}`);
    for (const c of rule.conditions) {
      if (c.type === 'ip_allowlist' && !this.allowlists.has(c.network)) throw new Error(`policy rule ${rule.id}: network ${c.network} not configured`);
      if (c.type === 'time_window' && !(c.window in this.parameters.windows)) throw new Error(`policy rule ${rule.id}: window ${c.window} not configured`);
    }
  }

  private deny(reason: DenyReason): AccessDecision {
    return { allowed: false, policyVersion: this.version, reason, breakGlass: false };
  }
}

function dedupe(scopes: QueryScope[]): QueryScope[] {
  const seen = new Map<string, QueryScope>();
  for (const s of scopes) seen.set(`${s.clinicId ?? ''}|${s.careTeamMember ?? ''}`, s);
  return [...seen.values()];
}

/** In-memory form of a QueryFilter for searches over decrypted read models. */
export function scopeMatches(filter: QueryFilter, row: { clinicId?: string; careTeam?: readonly string[] }): boolean {
  return filter.scopes.some(
    (s) => (s.clinicId === undefined || s.clinicId === row.clinicId) && (s.careTeamMember === undefined || (row.careTeam ?? []).includes(s.careTeamMember)),
  );
}

/** A user id no one has: asks a patient's clinic alone through the (patient, user) facts. */
const NOBODY = '00000000-0000-4000-8000-000000000000';

/**
 * The current facts (clinic, care team) of a list page's patients, asked of the care-team directory
 * the guard asks, once for every filter the page is checked against: a list ranked and paged in
 * read models that may lag (the search index, the case board) keeps only the patients a filter
 * still reaches (`reaches`), so a removal or transfer that single-record routes already refuse never
 * reaches the caller through a list. A directory that cannot answer current facts throws; the list
 * answers 503 (never the stale row).
 */
export class CurrentPatientFacts {
  private constructor(
    /** Per patient: its clinic now, and the members of the scopes now on its care team. */
    private readonly patients: ReadonlyMap<string, { clinicId?: string; members: ReadonlySet<string> }>,
  ) {}

  static async load(directory: CareTeamDirectory, filters: readonly QueryFilter[], patientIds: readonly string[]): Promise<CurrentPatientFacts> {
    const patients = [...new Set(patientIds)].filter(isUuid);
    const scopes = filters.flatMap((f) => f.scopes);
    const members = [...new Set(scopes.flatMap((s) => (s.careTeamMember === undefined ? [] : [s.careTeamMember])))];
    // A member's pair gives the patient's clinic too: nobody's pair only where no scope names a member.
    const users = members.length > 0 ? members : scopes.some((s) => s.clinicId !== undefined) ? [NOBODY] : [];
    const pairs = patients.flatMap((patientId) => users.map((userId) => ({ patientId, userId })));
    let answers: ReadonlyArray<{ clinicId?: string; onCareTeam: boolean }>;
    try {
      answers = directory.patientFactsAll
        ? await directory.patientFactsAll(pairs)
        : await Promise.all(pairs.map(async ({ patientId, userId }) => (directory.patientFacts ? directory.patientFacts(patientId, userId) : { clinicId: await directory.patientClinic(patientId), onCareTeam: await directory.isOnCareTeam(patientId, userId) })));
    } catch (error) {
      // As the guard answers a single record it cannot decide (503 AUTH.UNAVAILABLE, the cause's code as detail).
      const code = (error as { code?: unknown })?.code;
      throw new AccessError('AUTH.UNAVAILABLE', typeof code === 'string' && /^[A-Z0-9_.]{1,64}$/.test(code) ? code : 'INTERNAL');
    }
    const now = new Map<string, { clinicId?: string; members: Set<string> }>();
    pairs.forEach(({ patientId, userId }, i) => {
      const known = now.get(patientId) ?? { clinicId: answers[i].clinicId, members: new Set<string>() };
      if (answers[i].onCareTeam && userId !== NOBODY) known.members.add(userId);
      now.set(patientId, known);
    });
    return new CurrentPatientFacts(now);
  }

  /** Whether some scope of `filter` reaches the patient now. */
  reaches(filter: QueryFilter, patientId: string): boolean {
    const now = this.patients.get(patientId);
    return filter.scopes.some((s) => {
      if (s.clinicId === undefined && s.careTeamMember === undefined) return true;
      if (!now) return false;
      return (s.clinicId === undefined || now.clinicId === s.clinicId) && (s.careTeamMember === undefined || now.members.has(s.careTeamMember));
    });
  }
}
