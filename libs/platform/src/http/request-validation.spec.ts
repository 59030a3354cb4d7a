import { type ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { RequestValidationPipe } from './request-validation';

class Item {
  @IsString() text!: string;
}
class Inner {
  @IsOptional() @IsString() note?: string;
}
class Outer {
  @IsInt() version!: number;
  @IsObject() @ValidateNested() @Type(() => Inner) inner!: Inner;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}
class Filters {
  @IsOptional() @IsString() status?: string;
}

const CANARY = 'Maria_Lopez_1987';
const valid = () => ({ version: 1, inner: { note: 'n' }, items: [{ text: 'a' }, { text: 'b' }] });

async function messages(value: unknown, metadata: ArgumentMetadata = { type: 'body', metatype: Outer }): Promise<string[]> {
  try {
    await new RequestValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
  throw new Error('expected a 400');
}

describe('RequestValidationPipe: unknown keys are reported by place, never by name', () => {
  it('a valid body passes', async () => {
    await expect(new RequestValidationPipe().transform(valid(), { type: 'body', metatype: Outer })).resolves.toBeInstanceOf(Outer);
  });

  it.each([
    ['top level', { ...valid(), [CANARY]: 1 }, 'body: unknown property'],
    ['a nested object', { ...valid(), inner: { note: 'n', [CANARY]: true } }, 'inner: unknown property'],
    ['an array item', { ...valid(), items: [{ text: 'a' }, { text: 'b', [CANARY]: 'x' }] }, 'items.1: unknown property'],
  ])('%s', async (_where, body, expected) => {
    const out = await messages(body);
    expect(out).toEqual([expected]);
    expect(JSON.stringify(out)).not.toContain(CANARY);
  });

  it('unknown keys are counted per object; declared properties are still named with their constraint', async () => {
    const out = await messages({ version: 'x', a1: 1, b2: 2, inner: { note: 3, c3: 3 }, items: [{ text: 4 }] });
    expect(out).toEqual([
      'body: 2 unknown properties',
      'version must be an integer number',
      'inner: unknown property',
      'inner.note must be a string',
      'items.0.text must be a string',
    ]);
  });

  it('query strings: the root is "query"', async () => {
    const out = await messages({ status: 'open', [CANARY]: 'x' }, { type: 'query', metatype: Filters });
    expect(out).toEqual(['query: unknown property']);
  });

  it('a huge body of unknown keys yields a bounded answer', async () => {
    const items = Array.from({ length: 1200 }, (_, i) => ({ text: 't', [`${CANARY}${i}`]: 1 }));
    const out = await messages({ ...valid(), items });
    expect(out.length).toBeLessThanOrEqual(1001);
    expect(out.at(-1)).toBe('further validation errors were omitted');
    expect(JSON.stringify(out)).not.toContain(CANARY);
  });
});
