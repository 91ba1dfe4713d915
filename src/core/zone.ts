// IANA time zones through luxon: validating a zone, the instants a wall-clock reading names, and how
// an instant reads in a zone. Pure.
import { DateTime, IANAZone } from 'luxon';
import { invalid } from './errors.js';
import { minuteMemo } from './minuteMemo.js';
import { quoteValue } from './validate.js';

const canonical = new Map<string, string>();

/**
 * The zone's canonical IANA name (`europe/paris` → `Europe/Paris`); throws `invalid()` naming the
 * allowed form unless luxon knows the zone.
 */
export function checkTimeZone(timeZone: string, field = 'timeZone', option?: string): string {
  const raw = timeZone.trim();
  const known = canonical.get(raw);
  if (known) return known;
  if (!IANAZone.isValidZone(raw)) {
    const subject = option ? `\`${option}:\` takes an IANA time zone such as \`Europe/Paris\`, \`America/New_York\` or \`UTC\`; got ${quoteValue(timeZone)}.` : `Unknown time zone ${quoteValue(timeZone)}; use an IANA name like \`Europe/Paris\`, \`America/New_York\` or \`UTC\`.`;
    throw invalid(subject, field);
  }
  const name = new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  canonical.set(raw, name);
  return name;
}

/** A local date and time of day, as the wall clock of a zone shows it. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The instant as the zone's wall clock shows it. */
export function inZone(at: Date | number, timeZone: string): DateTime {
  return DateTime.fromMillis(typeof at === 'number' ? at : at.getTime(), { zone: timeZone });
}

/**
 * The instants (ms) at which the wall clock of the zone shows the local date and time, earliest first:
 * one normally, two when the clock falls back and the time repeats, and when the clock springs forward
 * over it (the time never shows) the instant the same distance after the jump (02:30 in a 02:00→03:00
 * gap gives 03:30).
 */
export function localInstants(timeZone: string, l: LocalDateTime): number[] {
  const guess = DateTime.fromObject(l, { zone: timeZone });
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
  const offsets = new Set([guess.offset, guess.minus({ days: 1 }).offset, guess.plus({ days: 1 }).offset]);
  const found = new Set<number>();
  for (const o of offsets) {
    const t = asUtc - o * 60_000;
    const w = inZone(t, timeZone);
    if (w.year === l.year && w.month === l.month && w.day === l.day && w.hour === l.hour && w.minute === l.minute) found.add(t);
  }
  if (found.size === 0) return [guess.toMillis()];
  return [...found].sort((a, b) => a - b);
}

/** The zone's short name at that instant: `CET`, `EST`, `UTC`, else its offset (`GMT+5:30`). */
export function zoneAbbreviation(d: DateTime): string {
  const us = d.setLocale('en-US').toFormat('ZZZZ');
  if (!/^GMT[+-]/.test(us)) return us;
  const gb = d.setLocale('en-GB').toFormat('ZZZZ');
  return gb;
}

const dayTime = minuteMemo((ms, timeZone) => {
  const d = inZone(ms, timeZone);
  return `${d.setLocale('en-US').toFormat('ccc HH:mm')} ${zoneAbbreviation(d)}`;
});

/** `Mon 09:00 CET`: the day, time and zone of an instant in the zone. */
export function formatDayTime(at: Date | number, timeZone: string): string {
  return dayTime(typeof at === 'number' ? at : at.getTime(), timeZone);
}
