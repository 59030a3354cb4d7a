import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../identity/password-hasher';
import { BREAK_GLASS_REASONS, type BreakGlassReason } from '../sessions/account.service';

export class LoginRequest {
  @IsString() @MaxLength(254) email!: string;
  // No minimum here: a short password is simply wrong, and must look the same as any wrong password.
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH * 4) password!: string;
}

export class MfaVerifyRequest {
  @IsOptional() @IsString() @Matches(/^\d{6}$/) code?: string;
  @IsOptional() @IsString() @MaxLength(32) recoveryCode?: string;
}

export class RefreshRequest {
  @IsString() @MaxLength(4096) refreshToken!: string;
}

export class ChangePasswordRequest {
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH * 4) currentPassword!: string;
  @IsString() @MinLength(1) @MaxLength(PASSWORD_MAX_LENGTH * 4) newPassword!: string;
}

export class BreakGlassRequest {
  @IsIn(BREAK_GLASS_REASONS) reason!: BreakGlassReason;
  /** A ticket reference, not free text: free text could carry PHI into the audit log. */
  @Matches(/^[A-Z][A-Z0-9]{1,9}-\d{1,10}$/) ticket!: string;
}
