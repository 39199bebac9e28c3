import { describe, expect, it } from 'vitest';
import { parseUkDate, showUkDate } from './dates';

describe('UK dates', () => {
  it('reads day, month, year whatever the separator', () => {
    expect(parseUkDate('1/12/2026', false)).toBe('2026-12-01');
    expect(parseUkDate('01.12.2026', false)).toBe('2026-12-01');
    expect(parseUkDate('01-12-2026', false)).toBe('2026-12-01');
    expect(parseUkDate(' 2026-12-01 ', false)).toBe('2026-12-01');
  });
  it('reads the time when asked for it, and needs it then', () => {
    expect(parseUkDate('17/11/2026 14:30', true)).toBe('2026-11-17T14:30');
    expect(parseUkDate('17/11/2026, 9.05', true)).toBe('2026-11-17T09:05');
    expect(parseUkDate('17/11/2026 at 09:05', true)).toBe('2026-11-17T09:05');
    expect(parseUkDate('2026-11-17T14:30', true)).toBe('2026-11-17T14:30');
    expect(parseUkDate('17/11/2026', true)).toBeNull();
    expect(parseUkDate('17/11/2026 14:30', false)).toBeNull();
  });
  it('refuses what is not a real date or time', () => {
    for (const bad of ['31/02/2026', '12/13/2026', '00/01/2026', '17/11/26', 'next week', '', '17/11/2026 24:00', '17/11/2026 10:60']) {
      expect(parseUkDate(bad, bad.includes(':'))).toBeNull();
    }
    expect(parseUkDate('29/02/2028', false)).toBe('2028-02-29');
    expect(parseUkDate('29/02/2027', false)).toBeNull();
  });
  it('shows a value day first', () => {
    expect(showUkDate('2026-12-01')).toBe('01/12/2026');
    expect(showUkDate('2026-11-17T14:30')).toBe('17/11/2026 14:30');
    expect(showUkDate('')).toBe('');
  });
});
