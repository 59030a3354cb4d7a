import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ALL_ROLES, REALMS, type Realm, type Role } from '../realm';

export class CreateUserRequest {
  @IsIn(REALMS) realm!: Realm;
  @IsIn(ALL_ROLES) role!: Role;
  @IsString() @MaxLength(254) email!: string;
  @IsOptional() @IsUUID() clinicId?: string;
}

export class ChangeRoleRequest {
  @IsIn(ALL_ROLES) role!: Role;
}

export class CreateClinicRequest {
  @IsString() @MinLength(1) @MaxLength(200) displayName!: string;
}
