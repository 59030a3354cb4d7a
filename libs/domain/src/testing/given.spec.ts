import type { Decider, Message } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { ctxAs } from './fixtures';
import { specFor } from './given';

type Cmd = Message<'Say', { text: string; leak?: boolean; fail?: boolean }>;
type Evt = Message<'Said', { text: string }>;

const echo: Decider<Cmd, Evt, number> = {
  decide: ({ data }) => {
    if (data.leak) throw new DomainError('VALIDATION.REQUIRED', `bad text ${data.text}`);
    if (data.fail) throw new DomainError('VALIDATION.REQUIRED', 'text is required');
    return [{ type: 'Said', data: { text: data.text } }];
  },
  evolve: (count) => count + 1,
  initialState: () => 0,
};
const given = specFor(echo);
const say = (data: Partial<Cmd['data']>): Cmd => ({ type: 'Say', data: { text: 'Secret Diagnosis', ...data } });

describe('the given/when/then helper', () => {
  it('passes on the expected events and the expected code', () => {
    given([])
      .when(say({}), ctxAs('dentist'))
      .then([{ type: 'Said', data: { text: 'Secret Diagnosis' } }]);
    given([])
      .when(say({ fail: true }), ctxAs('dentist'))
      .thenThrows('VALIDATION.REQUIRED');
  });

  it('fails when events differ, when nothing is refused, or when the code differs', () => {
    expect(() => given([]).when(say({}), ctxAs('dentist')).then([])).toThrow();
    expect(() => given([]).when(say({}), ctxAs('dentist')).thenThrows('VALIDATION.REQUIRED')).toThrow(/produced Said/);
    expect(() =>
      given([])
        .when(say({ fail: true }), ctxAs('dentist'))
        .thenThrows('VALIDATION.TOO_LONG'),
    ).toThrow();
  });

  it('fails when a refusal message echoes free text from the command', () => {
    expect(() =>
      given([])
        .when(say({ leak: true }), ctxAs('dentist'))
        .thenThrows('VALIDATION.REQUIRED'),
    ).toThrow();
  });
});
