import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessError } from '../access.errors';
import { ACCESS_SERVICES } from '../access.tokens';
import type { AccessServices } from '../access.services';
import type { AccessSubject } from '../policy/policy.types';
import { Authenticated, CurrentSubject, Public } from './access.decorators';
import { BreakGlassRequest, ChangePasswordRequest, LoginRequest, MfaVerifyRequest, RefreshRequest } from './auth.dto';
import { requestMeta } from './request-access';

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(header) : null;
  if (!match) throw new AccessError('AUTH.INVALID_MFA', 'no challenge token');
  return match[1];
}

/** Sign-in and own-session routes of either realm. Thin: every rule lives in the services. */
@Controller('auth')
export class AuthController {
  constructor(@Inject(ACCESS_SERVICES) private readonly access: AccessServices) {}

  @Public() @Post('login') @HttpCode(200)
  login(@Body() body: LoginRequest, @Req() request: FastifyRequest) {
    return this.access.login.login(body.email, body.password, requestMeta(request));
  }

  /** Authorization: Bearer <challengeToken from /auth/login>. */
  @Public() @Post('mfa/enroll') @HttpCode(200)
  enroll(@Req() request: FastifyRequest) {
    return this.access.mfa.enroll(bearer(request), requestMeta(request));
  }

  @Public() @Post('mfa/verify') @HttpCode(200)
  verify(@Body() body: MfaVerifyRequest, @Req() request: FastifyRequest) {
    if ((body.code === undefined) === (body.recoveryCode === undefined)) throw new AccessError('AUTH.INVALID_MFA', 'one factor expected');
    return this.access.mfa.verify(bearer(request), body, requestMeta(request));
  }

  @Public() @Post('refresh') @HttpCode(200)
  refresh(@Body() body: RefreshRequest, @Req() request: FastifyRequest) {
    return this.access.account.refresh(body.refreshToken, requestMeta(request));
  }

  @Authenticated() @Post('logout') @HttpCode(204)
  async logout(@CurrentSubject() subject: AccessSubject, @Req() request: FastifyRequest): Promise<void> {
    await this.access.account.logout(subject, requestMeta(request));
  }

  @Authenticated() @Post('password') @HttpCode(200)
  changePassword(@CurrentSubject() subject: AccessSubject, @Body() body: ChangePasswordRequest, @Req() request: FastifyRequest) {
    return this.access.account.changePassword(subject, body.currentPassword, body.newPassword, requestMeta(request));
  }

  @Authenticated() @Get('me')
  async me(@CurrentSubject() subject: AccessSubject) {
    const user = await this.access.users.get(subject.userId);
    return {
      userId: subject.userId, realm: subject.realm, role: subject.role, clinicId: subject.clinicId ?? null, sessionId: subject.sessionId,
      mfa: subject.mfa, passwordChangeRequired: user.passwordChangeRequired, breakGlassUntil: subject.breakGlass?.until.toISOString() ?? null,
    };
  }
}

/** Back-office only: emergency access with a categorised reason and a ticket, time-boxed. */
@Controller('auth')
export class BreakGlassController {
  constructor(@Inject(ACCESS_SERVICES) private readonly access: AccessServices) {}

  @Authenticated() @Post('break-glass') @HttpCode(200)
  breakGlass(@CurrentSubject() subject: AccessSubject, @Body() body: BreakGlassRequest, @Req() request: FastifyRequest) {
    return this.access.account.breakGlass(subject, body.reason, body.ticket, requestMeta(request));
  }
}
