export type AuditOutcome = 'granted' | 'denied' | 'error';

/** What a caller reports; sanitised before it is written (see sanitiseAuditRecord). */
export interface AuditRecord {
  readonly at?: Date;
  readonly realm?: string;
  readonly actorId?: string;
  readonly role?: string;
  readonly sessionId?: string;
  /** `resource.action` for data access, `auth.*` / `users.*` for identity events. */
  readonly action: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly patientId?: string;
  readonly outcome: AuditOutcome;
  readonly status?: number;
  /** A code (deny reason, error code), never free text. */
  readonly reason?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly correlationId?: string;
  /** Purpose of use or break-glass category and ticket; codes only. */
  readonly purpose?: string;
  readonly breakGlass?: boolean;
  /** Already-redacted request parameters: UUIDs, booleans and integers only. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly policyVersion?: string;
}

/** A stored row, exactly the fields the chain hash covers plus the links. */
export interface AuditRow {
  readonly seq: number;
  readonly at: Date;
  readonly realm: string | null;
  readonly actorId: string | null;
  readonly role: string | null;
  readonly sessionId: string | null;
  readonly action: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly patientId: string | null;
  readonly outcome: AuditOutcome;
  readonly status: number | null;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly correlationId: string | null;
  readonly purpose: string | null;
  readonly breakGlass: boolean;
  readonly params: Readonly<Record<string, string | number | boolean>> | null;
  readonly policyVersion: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditReceipt {
  readonly seq: number;
  readonly hash: string;
}

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** `unkeyed_row`: a plain SHA-256 link (from before the chain was keyed, or forged without the key). */
export type AuditProblem = 'missing_row' | 'broken_link' | 'hash_mismatch' | 'unkeyed_row' | 'head_mismatch';

/** A position that does not verify; for `missing_row`, a run of missing positions up to `through`. */
export interface AuditBreak {
  readonly at: number;
  readonly problem: AuditProblem;
  readonly through?: number;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Rows checked before the first problem (or all of them). */
  readonly checked: number;
  readonly head: AuditHead;
  /** Position (seq) of the first row that does not verify. */
  readonly brokenAt?: number;
  readonly problem?: AuditProblem;
  /** Every break in chain order, the first `maxBreaks` of them; `breakCount` counts them all. */
  readonly breaks: readonly AuditBreak[];
  readonly breakCount: number;
  /** Rows read, past any break. */
  readonly scanned: number;
}
