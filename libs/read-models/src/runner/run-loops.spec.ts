import type { ProjectionRunner, RunnerLog } from './projection-runner';
import { catchUp } from './run-loops';

describe('catchUp', () => {
  afterEach(() => jest.useRealTimers());

  it('retries a transient failure without end, but raises an alert after 10 in a row (not only warnings)', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const runner = {
      active: ['case_board'],
      step: async () => {
        calls++;
        if (calls <= 12) throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
        return { read: 0, applied: 0, caughtUp: true };
      },
    } as unknown as ProjectionRunner;
    const lines: { level: string; obj: Record<string, unknown> }[] = [];
    const record = (level: string) => (obj: object) => void lines.push({ level, obj: obj as Record<string, unknown> });
    const log: RunnerLog = { info: record('info'), warn: record('warn'), error: record('error') };
    const done = catchUp(runner, { log });
    await jest.advanceTimersByTimeAsync(120_000);
    await done;
    expect(calls).toBe(13);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(11);
    expect(lines.filter((l) => l.level === 'error').map((l) => [l.obj.alert, l.obj.failures, l.obj.code])).toEqual([['projection_retrying', 10, '57014']]);
  });
});
