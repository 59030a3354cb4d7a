import { integerIn } from './options';

describe('integerIn', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['10000', 10_000],
    ['-5', -5],
  ])('reads %s as %d', (value, expected) => {
    expect(integerIn('--n', -10, 10_000, value)).toBe(expected);
  });

  it.each(['0x10', '1e3', '3.0', '1.5', ' 7', '7 ', '+7', '-0', '007', '', 'ten', 'Infinity', '99999999999999999999'])(
    'refuses %j, naming the flag and the range',
    (value) => {
      expect(() => integerIn('--n', -10, 10_000, value)).toThrow('--n must be an integer from -10 to 10000');
    },
  );

  it('refuses a value outside the range', () => {
    expect(() => integerIn('--n', 1, 64, '65')).toThrow('--n must be an integer from 1 to 64');
    expect(() => integerIn('--n', 1, 64, '0')).toThrow('--n must be an integer from 1 to 64');
  });
});
