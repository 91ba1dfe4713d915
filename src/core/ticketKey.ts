// Ticket keys: `T-<year>-<seq>`, the year taken in the configured zone, the sequence counted per year.

const yearFormats = new Map<string, Intl.DateTimeFormat>();
const lastYear = new Map<string, { minute: number; year: number }>();

/** The calendar year of `now` in `timeZone`. */
export function yearOf(now: Date, timeZone: string): number {
  // The year turns at a local midnight, always on a whole UTC minute: the answer of the minute is kept (formatting
  // costs tens of microseconds, and every filing asks).
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastYear.get(timeZone);
  if (last && last.minute === minute) return last.year;
  let f = yearFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, f);
  }
  const year = Number(f.format(now));
  lastYear.set(timeZone, { minute, year });
  return year;
}

/** The key of the `seq`th ticket of `year`: `T-2026-007`, `T-2026-1234`. */
export function ticketKey(year: number, seq: number): string {
  return `T-${year}-${String(seq).padStart(3, '0')}`;
}
