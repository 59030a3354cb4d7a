import { Injectable } from '@nestjs/common';

export interface ReadinessCheck {
  name: string;
  /** Resolves with details when ready; throws (message without PHI) when not. */
  check(): Promise<Record<string, unknown>>;
}

/** Modules add what readiness means for them (database, migrations, projection lag). */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];
  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }
  all(): readonly ReadinessCheck[] {
    return this.checks;
  }
}
