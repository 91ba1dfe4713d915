// Ticket keys: `T-<year>-<seq>`, the year taken in the configured zone, the sequence counted per year.
import { minuteMemo } from './minuteMemo.js';

const yearFormats = new Map<string, Intl.DateTimeFormat>();

const yearAt = minuteMemo((ms, timeZone) => {
  let f = yearFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, f);
  }
  return Number(f.format(ms));
});

/** The calendar year of `now` in `timeZone` (every filing asks: kept per zone and minute). */
export function yearOf(now: Date, timeZone: string): number {
  return yearAt(now.getTime(), timeZone);
}

/** The key of the `seq`th ticket of `year`: `T-2026-007`, `T-2026-1234`. */
export function ticketKey(year: number, seq: number): string {
  return `T-${year}-${String(seq).padStart(3, '0')}`;
}
