import { Inject } from '@nestjs/common';
import { Command, Option, SubCommand } from 'nest-commander';
import { createIdentityServices, type IdentityServices, isAccessError, isRealm, isUuid, type Realm, type Role } from '@ortholedger/access';
import { cliActor } from '../../cli-actor';
import { CliRuntime } from '../../cli-runtime.service';
import { JsonCommand } from '../../output/options';
import { fail, print } from '../../output/output';
import { CommandGroup } from '../command-group';

interface UserOptions {
  json?: boolean;
  realm?: string;
  role?: string;
  clinic?: string;
  email?: string;
  name?: string;
}

/** Shared option parsing; identity changes from the CLI are audited with realm 'cli'. */
abstract class UsersSubCommand extends JsonCommand {
  // @Inject: subclasses declare no constructor, so the type metadata would not reach Nest.
  constructor(@Inject(CliRuntime) protected readonly runtime: CliRuntime) {
    super();
  }

  protected async identity(): Promise<IdentityServices> {
    const runtime = await this.runtime.get();
    return createIdentityServices(runtime, { logger: this.runtime.logger });
  }

  /** A user is named by id, or by e-mail plus realm (login names are stored only as an HMAC). */
  protected async userId(identity: IdentityServices, target: string | undefined, realm: string | undefined): Promise<string | undefined> {
    if (isUuid(target)) return target;
    if (!target || !isRealm(realm)) {
      fail('name the user by id, or by e-mail with --realm clinic|backoffice');
      return undefined;
    }
    const id = await identity.users.findId(realm, target);
    if (!id) fail('no such user');
    return id;
  }

  /**
   * An access error as its code, message and detail: the detail names the field that is wrong
   * (realm, role, email, clinic), never its value, so an e-mail address typed is not echoed.
   */
  protected async reportingAccessErrors(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isAccessError(error)) throw error;
      fail(`${error.publicMessage}${error.detail ? ` (${error.detail})` : ''}`, error.code);
    }
  }

  @Option({ flags: '--realm <realm>', description: 'clinic | backoffice' })
  realm(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'create', description: 'create a user; prints a one-time password (change at first sign-in)' })
export class UsersCreateCommand extends UsersSubCommand {
  async run(_params: string[], options: UserOptions): Promise<void> {
    if (!options.realm || !options.role || !options.email) return fail('--realm, --role and --email are required');
    const identity = await this.identity();
    await this.reportingAccessErrors(async () => {
      const { user, oneTimePassword } = await identity.users.createUser(
        { realm: options.realm as Realm, role: options.role as Role, email: options.email!, clinicId: options.clinic },
        cliActor(),
      );
      print(!!options.json, { user, oneTimePassword }, () => `created ${user.role} ${user.id}\none-time password: ${oneTimePassword}`);
    });
  }

  @Option({ flags: '--role <role>', description: 'orthodontist | dentist | clinic_staff | case_coordinator | treatment_planner | support | compliance_officer | platform_admin' })
  role(value: string): string {
    return value;
  }

  @Option({ flags: '--clinic <clinicId>', description: 'clinic id (clinic realm only); see `users add-clinic`' })
  clinic(value: string): string {
    return value;
  }

  @Option({ flags: '--email <email>', description: 'login name (stored only as a keyed hash)' })
  email(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'add-clinic', description: 'register a clinic and print its id' })
export class UsersAddClinicCommand extends UsersSubCommand {
  async run(_params: string[], options: UserOptions): Promise<void> {
    if (!options.name) return fail('--name is required');
    const identity = await this.identity();
    await this.reportingAccessErrors(async () => {
      const id = await identity.users.createClinic(options.name!, cliActor());
      print(!!options.json, { clinicId: id }, () => id);
    });
  }

  @Option({ flags: '--name <name>', description: 'display name of the clinic' })
  name(value: string): string {
    return value;
  }
}

function changeCommand<T>(
  name: string, description: string, change: (identity: IdentityServices, userId: string) => Promise<T>,
  human: (result: T, userId: string) => string = (_r, userId) => `${name}: done for ${userId}`,
) {
  @SubCommand({ name, description, arguments: '<user>' })
  class UserChangeCommand extends UsersSubCommand {
    async run([target]: string[], options: UserOptions): Promise<void> {
      const identity = await this.identity();
      const id = await this.userId(identity, target, options.realm);
      if (!id) return;
      await this.reportingAccessErrors(async () => {
        const result = await change(identity, id);
        print(!!options.json, result, () => human(result, id));
      });
    }
  }
  // Distinct class names keep Nest's and commander's diagnostics readable.
  Object.defineProperty(UserChangeCommand, 'name', { value: `Users${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Command` });
  return UserChangeCommand;
}

export const UsersDisableCommand = changeCommand('disable', 'disable a user and end every session at once', (i, id) => i.users.disable(id, cliActor()));
export const UsersResetMfaCommand = changeCommand(
  'reset-mfa',
  'remove TOTP and recovery codes; the user enrols again at next sign-in. On an account whose one-time password is still to be changed (support reset it: the user lost both factors) it issues a new one-time password too, printed once, and the one support holds stops working',
  (i, id) => i.users.resetMfa(id, cliActor()),
  (result, id) => `reset-mfa: done for ${id}${result.oneTimePassword ? `\none-time password: ${result.oneTimePassword}` : ''}`,
);
export const UsersUnlockCommand = changeCommand('unlock', 'lift a lock-out after failed sign-ins', (i, id) => i.users.unlock(id, cliActor()));

@Command({
  name: 'users',
  description: 'identity administration (audited)',
  subCommands: [UsersCreateCommand, UsersAddClinicCommand, UsersDisableCommand, UsersResetMfaCommand, UsersUnlockCommand],
})
export class UsersCommand extends CommandGroup {}

export const USERS_COMMANDS = [UsersCommand, UsersCreateCommand, UsersAddClinicCommand, UsersDisableCommand, UsersResetMfaCommand, UsersUnlockCommand];
