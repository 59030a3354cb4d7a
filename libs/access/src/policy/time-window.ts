/** Opening hours a policy may require, e.g. `mon-fri 07:00-19:00 Europe/Berlin`. */
export interface TimeWindow {
  readonly source: string;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly days: readonly number[];
  /** Minutes after local midnight; `to` exclusive. `from > to` spans midnight. */
  readonly from: number;
  readonly to: number;
  readonly timeZone: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function minutes(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new Error('invalid time');
  const value = Number(m[1]) * 60 + Number(m[2]);
  if (value > 24 * 60) throw new Error('invalid time');
  return value;
}

function dayList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [a, b] = part.split('-');
    const start = DAYS.indexOf(a);
    const end = b === undefined ? start : DAYS.indexOf(b);
    if (start < 0 || end < 0) throw new Error('invalid day');
    for (let d = start; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === end) break;
    }
  }
  return [...out].sort();
}

export function parseTimeWindow(text: string): TimeWindow {
  const parts = text.trim().split(/\s+/);
  let days = [0, 1, 2, 3, 4, 5, 6];
  if (parts.length > 0 && /^[a-z]/i.test(parts[0])) days = dayList(parts.shift()!);
  const range = parts.shift();
  const timeZone = parts.shift() ?? 'UTC';
  if (!range || parts.length > 0) throw new Error('invalid window');
  const [fromText, toText] = range.split('-');
  if (toText === undefined) throw new Error('invalid window');
  // Throws RangeError on an unknown zone, at start-up rather than at the first request.
  new Intl.DateTimeFormat('en-US', { timeZone });
  return { source: text.trim(), days, from: minutes(fromText), to: minutes(toText), timeZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: DAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3)), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

export function insideWindow(window: TimeWindow, at: Date): boolean {
  const { day, minute } = localParts(at, window.timeZone);
  if (window.from <= window.to) return window.days.includes(day) && minute >= window.from && minute < window.to;
  // Overnight window: the part after midnight belongs to the previous day's shift.
  if (minute >= window.from) return window.days.includes(day);
  return minute < window.to && window.days.includes((day + 6) % 7);
}
