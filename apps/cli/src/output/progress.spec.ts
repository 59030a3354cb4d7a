import { SingleBar } from 'cli-progress';
import { createProgress } from './progress';

describe('progress of a resumed run', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  let written: string[];

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    written = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });

  it('plain lines: the rate counts only what this run did, not what the interrupted run had read', () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const progress = createProgress('rebuild case_board', 5000, { start: 4000 });
    jest.setSystemTime(2000);
    progress.update(4200);
    expect(written).toEqual(['rebuild case_board: 4200/5000 events (100/s)\n']);
  });

  it('on a terminal the bar starts at the resumed position', () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    const start = jest.spyOn(SingleBar.prototype, 'start').mockImplementation(() => undefined);
    const update = jest.spyOn(SingleBar.prototype, 'update').mockImplementation(() => undefined);
    const progress = createProgress('rebuild case_board', 5000, { start: 4000 });
    jest.setSystemTime(2000);
    progress.update(4200);
    expect(start).toHaveBeenCalledWith(5000, 4000, { rate: 0 });
    expect(update).toHaveBeenCalledWith(4200, { rate: 100 });
  });
});
