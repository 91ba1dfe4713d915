// Working hours: `Mon-Fri 09:00-17:30` in an IANA zone, or always. Whether an agent is open at an
// instant, when it opens next, and the escalation clock that only runs in its hours. Pure: instants are
// passed in; zone arithmetic by luxon.
import { invalid } from './errors.js';
import { quoteValue } from './validate.js';
import { checkTimeZone, formatDayTime, inZone, localInstants } from './zone.js';

/** Days (1 = Monday … 7 = Sunday) and a daily window in minutes; `end <= start` crosses midnight. */
export interface WorkingHours {
  days: number[];
  start: number;
  /** Minutes after midnight, up to 1440 (`24:00`). */
  end: number;
}

/** An agent's hours (null: always) in its zone. */
export interface Schedule {
  hours: WorkingHours | null;
  timeZone: string;
}

export const ALWAYS: Schedule = { hours: null, timeZone: 'UTC' };

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export const HOURS_EXAMPLE = '`Mon-Fri 09:00-17:30`';

function hoursError(message: string): never {
  throw invalid(message, 'hours');
}

function dayNumber(word: string, raw: string): number {
  const w = word.toLowerCase();
  const i = DAY_NAMES.findIndex((d, n) => d.toLowerCase() === w || FULL_DAY_NAMES[n] === w);
  if (i < 0) {
    hoursError(`\`hours:\` has an unknown day ${quoteValue(word)} in ${quoteValue(raw)}; days are ${DAY_NAMES.join(', ')}, as in ${HOURS_EXAMPLE}.`);
  }
  return i + 1;
}

function parseDays(text: string, raw: string): number[] {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [a, b, ...more] = part.split('-');
    if (a === undefined || a === '' || more.length > 0 || b === '') {
      hoursError(`\`hours:\` takes days and a time range like ${HOURS_EXAMPLE} or \`Mon,Wed,Fri 08:00-12:00\` (or \`always\`); got ${quoteValue(raw)}.`);
    }
    const from = dayNumber(a, raw);
    const to = b === undefined ? from : dayNumber(b, raw);
    for (let d = from; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

function parseMinutes(text: string, raw: string, allow24: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (allow24 && h === 24 && min === 0) return 1440;
  if (!m || h > 23 || min > 59) {
    hoursError(`\`hours:\` has the time ${quoteValue(text)} in ${quoteValue(raw)}; times are 24-hour \`HH:MM\` from \`00:00\` to \`23:59\` (\`24:00\` may end a range), as in ${HOURS_EXAMPLE}.`);
  }
  return h * 60 + min;
}

/**
 * Parses `hours:`: `always` (null), or days and a daily window, `Mon-Fri 09:00-17:30`,
 * `Mon,Wed,Fri 08:00-12:00`, `Sat-Sun 10:00-14:00`, `Mon-Fri 22:00-06:00` (crossing midnight: the
 * window opens on the days named). Anything else is refused with the allowed form.
 */
export function parseHours(text: string): WorkingHours | null {
  const raw = text.trim();
  if (raw.toLowerCase() === 'always') return null;
  const m = /^([A-Za-z][A-Za-z,\- ]*?)\s+(\S+?)\s*-\s*(\S+)$/.exec(raw);
  if (!m) hoursError(`\`hours:\` takes days and a time range like ${HOURS_EXAMPLE} (quoted, with the space) or \`always\`; got ${quoteValue(raw)}.`);
  const days = parseDays(m[1]!.replace(/\s+/g, ''), raw);
  const start = parseMinutes(m[2]!, raw, false);
  const end = parseMinutes(m[3]!, raw, true);
  if (start === end) hoursError(`\`hours:\` opens and closes at the same time in ${quoteValue(raw)}; for round-the-clock use \`always\`.`);
  return { days, start, end };
}

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** `Mon-Fri 09:00-17:30`, `Mon,Wed,Fri 08:00-12:00` or `always`: the form `parseHours` reads back. */
export function formatHours(h: WorkingHours | null): string {
  if (!h) return 'always';
  const runs: string[] = [];
  let i = 0;
  while (i < h.days.length) {
    let j = i;
    while (j + 1 < h.days.length && h.days[j + 1] === h.days[j]! + 1) j++;
    const a = DAY_NAMES[h.days[i]! - 1]!;
    const b = DAY_NAMES[h.days[j]! - 1]!;
    if (j === i) runs.push(a);
    else if (j === i + 1) runs.push(a, b);
    else runs.push(`${a}-${b}`);
    i = j + 1;
  }
  return `${runs.join(',')} ${hhmm(h.start)}-${hhmm(h.end)}`;
}

/**
 * `hours:` and `tz:` as given (by a command or a caller of the use case) in their stored form: hours
 * written back by `formatHours` (null for always), the zone's canonical name; refused like the parser does.
 */
export function normalizeScheduleOptions<T extends { hours?: string | null; timeZone?: string }>(o: T): T {
  const out = { ...o };
  if (typeof o.hours === 'string') {
    const h = parseHours(o.hours);
    out.hours = h ? formatHours(h) : null;
  }
  if (o.timeZone !== undefined) out.timeZone = checkTimeZone(o.timeZone, 'tz', 'tz');
  return out;
}

const parsed = new Map<string, WorkingHours | null>();

/** The schedule of an agent (its stored hours and zone). */
export function scheduleOf(a: { hours: string | null; timeZone: string }): Schedule {
  if (!a.hours) return { hours: null, timeZone: a.timeZone };
  let h = parsed.get(a.hours);
  if (h === undefined) {
    h = parseHours(a.hours);
    parsed.set(a.hours, h);
  }
  return { hours: h, timeZone: a.timeZone };
}

/** `Mon-Fri 09:00-17:30 Europe/Paris`, or `always`. */
export function describeSchedule(s: Schedule): string {
  return s.hours ? `${formatHours(s.hours)} ${s.timeZone}` : 'always';
}

/** The longest walk through the calendar: past it the hours are treated as closed for good. */
const MAX_DAYS = 366 * 30;

/** The working windows `[open, close)` in ms, in order, from the one that contains or follows `fromMs`. */
function* windows(s: Schedule & { hours: WorkingHours }, fromMs: number): Generator<[number, number]> {
  const { hours, timeZone } = s;
  let day = inZone(fromMs, timeZone).startOf('day').minus({ days: 1 });
  const at = (d: typeof day, min: number) =>
    localInstants(timeZone, { year: d.year, month: d.month, day: d.day, hour: Math.floor(min / 60), minute: min % 60 })[0]!;
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday)) continue;
    const open = at(day, hours.start);
    const closeDay = hours.end <= hours.start || hours.end === 1440 ? day.plus({ days: 1 }) : day;
    const close = at(closeDay, hours.end % 1440);
    if (close > fromMs && close > open) yield [open, close];
  }
}

const ms = (d: Date) => d.getTime();

/** Whether the schedule is open at `at`. */
export function isOpen(s: Schedule, at: Date): boolean {
  if (!s.hours) return true;
  for (const [open] of windows({ ...s, hours: s.hours }, ms(at))) return open <= ms(at);
  return false;
}

/** `at` when open, else when the hours next open (null when they never do). */
export function nextOpen(s: Schedule, at: Date): Date | null {
  if (!s.hours) return at;
  for (const [open] of windows({ ...s, hours: s.hours }, ms(at))) return new Date(Math.max(open, ms(at)));
  return null;
}

/** Seconds of working time between two instants (0 when `to` is not after `from`). */
export function businessSeconds(s: Schedule, from: Date, to: Date): number {
  if (ms(to) <= ms(from)) return 0;
  if (!s.hours) return (ms(to) - ms(from)) / 1000;
  let total = 0;
  for (const [open, close] of windows({ ...s, hours: s.hours }, ms(from))) {
    if (open >= ms(to)) break;
    total += Math.min(close, ms(to)) - Math.max(open, ms(from));
  }
  return total / 1000;
}

/** The instant at which `sec` seconds of working time have run from `from` (the due time of a clock). */
export function addBusinessSeconds(s: Schedule, from: Date, sec: number): Date {
  if (!s.hours) return new Date(ms(from) + sec * 1000);
  let left = sec * 1000;
  let last = ms(from);
  for (const [open, close] of windows({ ...s, hours: s.hours }, ms(from))) {
    const start = Math.max(open, ms(from));
    if (left <= close - start) return new Date(start + left);
    left -= close - start;
    last = close;
  }
  return new Date(last + left);
}

/** Why an agent with this schedule takes no work at `at`, or null when its hours are open: `outside working hours until Mon 09:00 CET`. */
export function outsideHours(s: Schedule, at: Date): string | null {
  if (isOpen(s, at)) return null;
  const next = nextOpen(s, at);
  return next ? `outside working hours until ${formatDayTime(next, s.timeZone)}` : 'outside working hours';
}
