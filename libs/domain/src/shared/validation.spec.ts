import { DomainError } from './domain-error';
import { isBlankText, isIsoDate, isIsoTimestamp, requireReason, requireText } from './validation';

describe('date and time guards', () => {
  it.each(['2024-02-29', '2000-02-29', '2023-12-31', '1900-01-01'])('accepts the calendar date %s', (date) => {
    expect(isIsoDate(date)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '2023-1-01',
    '20230101',
    20230101,
  ])('refuses %p', (date) => expect(isIsoDate(date)).toBe(false));

  it.each(['2025-03-01T10:00:00Z', '2025-03-01T10:00:00.123Z', '2025-03-01T10:00+01:00'])(
    'accepts the timestamp %s',
    (ts) => {
      expect(isIsoTimestamp(ts)).toBe(true);
    },
  );

  it.each(['2025-03-01', '2025-03-01T10:00:00', 'Sat, 01 Mar 2025 10:00:00 GMT', '2025-02-30T10:00:00Z', ''])(
    'refuses the timestamp %p',
    (ts) => {
      expect(isIsoTimestamp(ts)).toBe(false);
    },
  );
});

describe('blank text', () => {
  const invisible = ['', ' \t\n', '\u200b', '\u200b \u200c\u200d', '\ufeff', '\u2060', '\u200e\u200f', '\u00ad', '\u0000\u0007', '\u3000\u00a0'];
  const codeOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as DomainError).code;
    }
    return 'accepted';
  };

  it.each(invisible.map((text) => [JSON.stringify(text), text]))('treats %s as blank', (_label, text) => {
    expect(isBlankText(text)).toBe(true);
    expect(codeOf(() => requireText(text, 'diagnosis'))).toBe('VALIDATION.REQUIRED');
    expect(codeOf(() => requireReason(text))).toBe('VALIDATION.REASON_REQUIRED');
  });

  it('stores visible text as given, trimmed: invisible characters inside it and its normal form are kept', () => {
    expect(requireText(' Cre\u0301\u200bche ', 'notes')).toBe('Cre\u0301\u200bche');
    expect(requireReason('\u200bTypo')).toBe('\u200bTypo');
    expect(isBlankText('\u0301')).toBe(false);
  });
});
