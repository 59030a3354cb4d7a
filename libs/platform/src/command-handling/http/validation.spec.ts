import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EmptyBodyPipe, IsId, IsIsoDate, IsIsoTimestamp, IsNumberRecord, Optional, OptionalNullable, ParseIdPipe } from './validation';

class Probe {
  @Optional() @IsId() id?: string;
  @Optional() @IsIsoDate() date?: string;
  @Optional() @IsIsoTimestamp() at?: string;
  @Optional() @IsNumberRecord(2) measures?: Record<string, number>;
  @OptionalNullable() @IsId() nullable?: string | null;
}
const errors = (plain: object) => validateSync(plainToInstance(Probe, plain), { forbidUnknownValues: true }).map((e) => e.property);

describe('DTO building blocks', () => {
  it('accepts well-formed values and absence', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ id: '8e03978e-40d5-43e8-bc93-6894a57f9324', date: '2024-02-29', at: '2025-03-01T10:00:00Z', measures: { a: 1, 'b.c': -2.5 }, nullable: null })).toEqual([]);
  });
  it.each([
    ['an upper-case UUID', { id: '8E03978E-40D5-43E8-BC93-6894A57F9324' }, 'id'],
    ['null where optional means absent only', { id: null }, 'id'],
    ['a date that does not exist', { date: '2023-02-29' }, 'date'],
    ['a timestamp as date', { date: '2023-02-01T00:00:00Z' }, 'date'],
    ['a timestamp without zone', { at: '2025-03-01T10:00:00' }, 'at'],
    ['too many measurements', { measures: { a: 1, b: 2, c: 3 } }, 'measures'],
    ['a non-number measurement', { measures: { a: '1' } }, 'measures'],
    ['an infinite measurement', { measures: { a: Infinity } }, 'measures'],
    ['a badly named measurement', { measures: { '1a': 1 } }, 'measures'],
    ['an array as measurements', { measures: [1] }, 'measures'],
  ])('refuses %s', (_label, plain, property) => {
    expect(errors(plain)).toEqual([property]);
  });
  it('path ids and empty bodies', () => {
    expect(new ParseIdPipe().transform('8e03978e-40d5-43e8-bc93-6894a57f9324', { type: 'param', data: 'caseId' })).toMatch(/^8e/);
    expect(() => new ParseIdPipe().transform('42', { type: 'param', data: 'caseId' })).toThrow(expect.objectContaining({ code: 'REQUEST.INVALID_ID' }));
    expect(new EmptyBodyPipe().transform(undefined)).toEqual({});
    expect(new EmptyBodyPipe().transform({})).toEqual({});
    expect(() => new EmptyBodyPipe().transform({ a: 1 })).toThrow();
    expect(() => new EmptyBodyPipe().transform([])).toThrow();
  });
});
