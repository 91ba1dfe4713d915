// Ticket keys: `T-<year>-<seq>`, the year taken in the configured zone, the sequence counted per year.

const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar year of `now` in `timeZone`. */
export function yearOf(now: Date, timeZone: string): number {
  let f = yearFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, f);
  }
  return Number(f.format(now));
}

/** The key of the `seq`th ticket of `year`: `T-2026-007`, `T-2026-1234`. */
export function ticketKey(year: number, seq: number): string {
  return `T-${year}-${String(seq).padStart(3, '0')}`;
}
