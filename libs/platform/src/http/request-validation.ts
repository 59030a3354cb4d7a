import { type ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** class-validator's constraint for a key the DTO does not declare (whitelist + forbidNonWhitelisted). */
const UNKNOWN_KEY = 'whitelistValidation';
/** Errors looked at per request: a 256 KiB body can hold tens of thousands of them. */
const MAX_ERRORS_VISITED = 1000;

/** What the exception factory hands back to the pipe, which alone knows where the value came from. */
class InvalidRequestPart extends Error {
  constructor(readonly errors: readonly ValidationError[]) {
    super('invalid request part');
  }
}

/**
 * The 400 messages for class-validator's errors, with every unknown key left unnamed. A key the
 * DTO does not declare is client text (`{"Maria_Lopez": 1}`), so it is reported as "<where>:
 * unknown property", counted per object, and never echoed. Every other error sits on a property
 * the DTO declares (class-validator makes them only from its metadata), on an array index, or on
 * nothing (unknownValue); their messages name declared properties only and carry no values.
 */
export function describeValidationErrors(errors: readonly ValidationError[], root: string): string[] {
  const lines: (string | { unknownIn: string })[] = [];
  const unknown = new Map<string, number>(); // path of the object holding unknown keys -> how many
  let visited = 0;
  const walk = (list: readonly ValidationError[], path: string): void => {
    for (const error of list) {
      if (++visited > MAX_ERRORS_VISITED) return;
      const constraints = error.constraints ?? {};
      if (UNKNOWN_KEY in constraints) {
        if (!unknown.has(path)) lines.push({ unknownIn: path });
        unknown.set(path, (unknown.get(path) ?? 0) + 1);
        continue; // error.property is the client's key: never part of a path or a message
      }
      for (const message of Object.values(constraints)) lines.push(path ? `${path}.${message}` : message);
      if (error.children?.length) walk(error.children, error.property === undefined ? path : path ? `${path}.${error.property}` : error.property);
    }
  };
  walk(errors, '');
  const out = lines.map((line) => {
    if (typeof line === 'string') return line;
    const count = unknown.get(line.unknownIn) ?? 1;
    return `${line.unknownIn || root}: ${count === 1 ? 'unknown property' : `${count} unknown properties`}`;
  });
  if (visited > MAX_ERRORS_VISITED) out.push('further validation errors were omitted');
  return out;
}

const ROOTS: Record<ArgumentMetadata['type'], string> = { body: 'body', query: 'query', param: 'path', custom: 'request' };

/**
 * Nest's ValidationPipe with the app's strict options (whitelist, forbidNonWhitelisted,
 * forbidUnknownValues, transform, no target or value in errors) and messages from
 * describeValidationErrors, rooted at the part of the request that was wrong (body, query).
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new InvalidRequestPart(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof InvalidRequestPart)) throw error;
      throw new BadRequestException(describeValidationErrors(error.errors, ROOTS[metadata.type] ?? 'request'));
    }
  }
}
