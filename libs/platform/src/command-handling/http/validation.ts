import { applyDecorators, type ArgumentMetadata, BadRequestException, type PipeTransform } from '@nestjs/common';
import { IsISO8601, IsString, Matches, registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { InvalidPathId } from '../command-errors';

/* DTO building blocks shared by the APIs. Messages name the property, never echo the value. */

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A lower-case UUID: one id, one stream name. */
export const IsId = (options?: ValidationOptions) =>
  applyDecorators(IsString(options), Matches(LOWER_UUID, { ...options, message: '$property must be a lower-case UUID' }));

/** Absent is fine; present (even null) must validate. `@IsOptional` would let null through. */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);

/** Absent or null are fine (null = remove, e.g. a guardian recorded in error). */
export const OptionalNullable = () => ValidateIf((_object, value) => value !== undefined && value !== null);

/** A calendar date, YYYY-MM-DD (no time, no 2023-02-30). */
export const IsIsoDate = () =>
  applyDecorators(Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a YYYY-MM-DD date' }), IsISO8601({ strict: true }));

/** A timestamp with a zone. */
export const IsIsoTimestamp = () =>
  applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, { message: '$property must be an ISO-8601 timestamp with a zone' }),
    IsISO8601({ strict: true, strictSeparator: true }),
  );

/** A flat object of short names to finite numbers (clinical measurements), bounded in size. */
export function IsNumberRecord(maxEntries: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNumberRecord',
      target: target.constructor,
      propertyName,
      options: { message: `$property must map at most ${maxEntries} short names to numbers`, ...options },
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= maxEntries &&
            entries.every(([name, n]) => /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name) && typeof n === 'number' && Number.isFinite(n))
          );
        },
      },
    });
}

/** Path ids: lower-case UUIDs or 400, before anything looks them up. */
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !LOWER_UUID.test(value)) throw new InvalidPathId(metadata.data ?? 'id');
    return value;
  }
}

/** A validated DTO as plain JSON data for the domain: no class prototype, no undefined members. */
export const toPlain = <T>(dto: unknown): T => JSON.parse(JSON.stringify(dto)) as T;

/** For commands that take nothing from the body (completion): absent or `{}` only. */
export class EmptyBodyPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    const empty = value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
    if (!empty) throw new BadRequestException('this command takes no body');
    return {};
  }
}
