import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's first recommended profile: m = 19 MiB, t = 2, p = 1. */
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum, not visible to swc) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export class PasswordHasher {
  /** Verified against when the login name is unknown, so both paths cost one argon2 verification. */
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    const target = passwordHash ?? (await (this.dummy ??= hash('not-a-password-of-anyone', OPTIONS)));
    try {
      const ok = await verify(target, password);
      return ok && passwordHash !== undefined;
    } catch {
      return false;
    }
  }
}

/** NIST 800-63B: length over composition rules; the login name is not a password. */
export function passwordAcceptable(password: string, forbidden: readonly string[] = []): boolean {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return false;
  if (new Set(password).size < 4) return false;
  const lower = password.toLowerCase();
  return !forbidden.some((f) => f && lower.includes(f.toLowerCase()));
}
