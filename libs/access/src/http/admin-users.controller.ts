import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ACCESS_SERVICES } from '../access.tokens';
import type { AccessServices } from '../access.services';
import type { Actor } from '../identity/user.types';
import type { AccessSubject } from '../policy/policy.types';
import { who } from '../sessions/account.service';
import { Authorize, CurrentSubject } from './access.decorators';
import { ChangeRoleRequest, CreateClinicRequest, CreateUserRequest } from './admin-users.dto';
import { requestMeta } from './request-access';

const actor = (subject: AccessSubject, request: FastifyRequest): Actor => ({ ...requestMeta(request), ...who(subject) });
const id = new ParseUUIDPipe({ version: undefined });

/** Support's account administration (back-office API). Each call is audited twice: the access decision and the change. */
@Controller('admin')
export class AdminUsersController {
  constructor(@Inject(ACCESS_SERVICES) private readonly access: AccessServices) {}

  @Authorize('users', 'manage') @Post('clinics')
  async createClinic(@CurrentSubject() subject: AccessSubject, @Body() body: CreateClinicRequest, @Req() request: FastifyRequest) {
    return { id: await this.access.users.createClinic(body.displayName, actor(subject, request)) };
  }

  @Authorize('users', 'manage') @Post('users')
  createUser(@CurrentSubject() subject: AccessSubject, @Body() body: CreateUserRequest, @Req() request: FastifyRequest) {
    return this.access.users.createUser(body, actor(subject, request));
  }

  @Authorize('users', 'manage') @Get('users/:id')
  get(@Param('id', id) userId: string) {
    return this.access.users.get(userId);
  }

  @Authorize('users', 'manage') @Post('users/:id/disable') @HttpCode(200)
  disable(@CurrentSubject() subject: AccessSubject, @Param('id', id) userId: string, @Req() request: FastifyRequest) {
    return this.access.users.disable(userId, actor(subject, request));
  }

  @Authorize('users', 'manage') @Post('users/:id/reset-mfa') @HttpCode(200)
  async resetMfa(@CurrentSubject() subject: AccessSubject, @Param('id', id) userId: string, @Req() request: FastifyRequest) {
    return (await this.access.users.resetMfa(userId, actor(subject, request))).user;
  }

  @Authorize('users', 'manage') @Post('users/:id/unlock') @HttpCode(200)
  unlock(@CurrentSubject() subject: AccessSubject, @Param('id', id) userId: string, @Req() request: FastifyRequest) {
    return this.access.users.unlock(userId, actor(subject, request));
  }

  @Authorize('users', 'manage') @Post('users/:id/role') @HttpCode(200)
  changeRole(@CurrentSubject() subject: AccessSubject, @Param('id', id) userId: string, @Body() body: ChangeRoleRequest, @Req() request: FastifyRequest) {
    return this.access.users.changeRole(userId, body.role, actor(subject, request));
  }

  @Authorize('users', 'manage') @Post('users/:id/reset-password') @HttpCode(200)
  resetPassword(@CurrentSubject() subject: AccessSubject, @Param('id', id) userId: string, @Req() request: FastifyRequest) {
    return this.access.users.resetPassword(userId, actor(subject, request));
  }
}
