import { insideWindow, parseTimeWindow } from './time-window';

describe('time windows', () => {
  it('weekday office hours in a time zone', () => {
    const w = parseTimeWindow('mon-fri 07:00-19:00 Europe/Berlin');
    // 2025-01-15 is a Wednesday; Berlin is UTC+1 in January.
    expect(insideWindow(w, new Date('2025-01-15T06:30:00Z'))).toBe(true); // 07:30 local
    expect(insideWindow(w, new Date('2025-01-15T05:30:00Z'))).toBe(false); // 06:30 local
    expect(insideWindow(w, new Date('2025-01-15T18:00:00Z'))).toBe(false); // 19:00 local, end exclusive
    expect(insideWindow(w, new Date('2025-01-18T10:00:00Z'))).toBe(false); // Saturday
  });

  it('windows across midnight belong to the day they start', () => {
    const w = parseTimeWindow('fri 22:00-06:00 UTC');
    expect(insideWindow(w, new Date('2025-01-17T23:00:00Z'))).toBe(true); // Friday night
    expect(insideWindow(w, new Date('2025-01-18T05:00:00Z'))).toBe(true); // Saturday morning, Friday's shift
    expect(insideWindow(w, new Date('2025-01-19T05:00:00Z'))).toBe(false); // Sunday morning
  });

  it('refuses nonsense at start-up', () => {
    for (const bad of ['07:00', 'mon-xyz 07:00-19:00', '25:00-26:00', '07:00-19:00 Mars/Olympus', 'mon 7-19']) {
      expect(() => parseTimeWindow(bad)).toThrow();
    }
  });
});
