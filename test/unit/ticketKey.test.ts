import { describe, expect, it } from 'vitest';
import { ticketKey, yearOf } from '../../src/core/ticketKey.js';

describe('yearOf', () => {
  const cases: Array<{ name: string; at: string; zone: string; expected: number }> = [
    { name: 'mid-year, UTC', at: '2026-06-15T12:00:00Z', zone: 'UTC', expected: 2026 },
    { name: 'New Year has come in Berlin, not yet in UTC', at: '2026-12-31T23:30:00Z', zone: 'Europe/Berlin', expected: 2027 },
    { name: 'New Year has come in UTC, not yet in New York', at: '2027-01-01T02:00:00Z', zone: 'America/New_York', expected: 2026 },
    { name: 'the last instant of the year in UTC', at: '2026-12-31T23:59:59.999Z', zone: 'UTC', expected: 2026 },
    { name: 'the first instant of the year in UTC', at: '2027-01-01T00:00:00Z', zone: 'UTC', expected: 2027 },
  ];
  it.each(cases)('$name', ({ at, zone, expected }) => {
    expect(yearOf(new Date(at), zone)).toBe(expected);
  });
  it('answers each minute and each zone on its own, however they follow each other', () => {
    const seq: Array<[string, string, number]> = [
      ['2026-12-31T23:59:30Z', 'UTC', 2026],
      ['2026-12-31T23:59:30Z', 'Asia/Tokyo', 2027],
      ['2027-01-01T00:00:00Z', 'UTC', 2027],
      ['2026-12-31T23:59:59Z', 'UTC', 2026],
      ['2026-12-31T23:59:10Z', 'UTC', 2026],
      ['2026-12-31T14:59:59Z', 'Asia/Tokyo', 2026],
      ['2026-12-31T15:00:00Z', 'Asia/Tokyo', 2027],
    ];
    for (const [at, zone, year] of seq) expect(yearOf(new Date(at), zone), `${at} in ${zone}`).toBe(year);
  });
});

describe('ticketKey', () => {
  const cases: Array<{ year: number; seq: number; expected: string }> = [
    { year: 2026, seq: 1, expected: 'T-2026-001' },
    { year: 2026, seq: 42, expected: 'T-2026-042' },
    { year: 2026, seq: 999, expected: 'T-2026-999' },
    { year: 2027, seq: 1000, expected: 'T-2027-1000' },
  ];
  it.each(cases)('$year #$seq is $expected', ({ year, seq, expected }) => {
    expect(ticketKey(year, seq)).toBe(expected);
  });
});
