import type { CommandContext } from './actor';

/** Events and commands are plain JSON data, discriminated by `type`. */
export interface Message<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

export interface Decider<Command extends Message, Event extends Message, State> {
  decide(command: Command, state: State, ctx: CommandContext): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Rebuild state from a stream's history. */
export const foldEvents = <Event extends Message, State>(
  decider: Pick<Decider<Message, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce<State>((state, event) => decider.evolve(state, event), decider.initialState());

/** Exhaustiveness guard for switches over discriminated unions. Names only a type or status, never data. */
export function assertNever(value: never, what = 'value'): never {
  const label = typeof value === 'string' ? value : (value as { type?: unknown } | null)?.type;
  throw new Error(`unexpected ${what}: ${typeof label === 'string' ? label : '(unlabelled)'}`);
}
