// Durations (`90s`, `1h30m`), times of day (`17:30`) and the next wall-clock occurrence of a
// time in an IANA zone (zone arithmetic by luxon, in zone.ts). Pure: the current time is always passed in.
import { invalid } from './errors.js';
import { quoteValue } from './validate.js';
import { checkTimeZone, inZone, localInstants } from './zone.js';

/** The longest duration accepted anywhere: 365 days, in seconds. */
export const MAX_DURATION_SEC = 365 * 86400;

const UNITS = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;

const DURATION_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const DURATION_EXAMPLES = '`90s`, `30m`, `4h`, `1d` or `1h30m`';

function optionLabel(option: string | undefined): string | undefined {
  if (option === undefined) return undefined;
  return '`' + option.replace(/:$/, '') + ':`';
}

/**
 * Parses a duration such as `90s`, `30m`, `4h`, `1d`, `1h30m`, `2d4h` or `1h30m15s` into seconds.
 * Units are `d`, `h`, `m`, `s`, each at most once, largest first. Zero, bare numbers, negative
 * values, unknown units and anything over 365 days are refused with `invalid()`.
 * @param option the option name (e.g. `escalate`) used in error messages.
 */
export function parseDuration(text: string, option?: string): number {
  const label = optionLabel(option);
  const field = option?.replace(/:$/, '') ?? 'duration';
  const raw = text.trim();
  const lower = raw.toLowerCase();
  const m = DURATION_RE.exec(lower);
  if (!m || lower === '') {
    const hint = /^\d+$/.test(raw) ? ' A number needs a unit: `s`, `m`, `h` or `d`.' : '';
    const subject = label ? `${label} takes a duration like` : 'Expected a duration like';
    throw invalid(`${subject} ${DURATION_EXAMPLES}; got ${quoteValue(raw)}.${hint}`, field);
  }
  let total = 0;
  UNITS.forEach(([, sec], i) => {
    const n = m[i + 1];
    if (n !== undefined) total += Number(n) * sec;
  });
  const subject = label ?? 'A duration';
  if (total <= 0) throw invalid(`${subject} must be longer than zero; got ${quoteValue(raw)}.`, field);
  if (total > MAX_DURATION_SEC) {
    throw invalid(`${subject} can be at most 365 days (\`365d\`); got ${quoteValue(raw)}.`, field);
  }
  return total;
}

/** Formats seconds as `1h30m`, `45s`, `2d`, `1d2h`; zero (or less) is `0s`. */
export function formatDuration(sec: number): string {
  let rest = Number.isFinite(sec) ? Math.max(0, Math.round(sec)) : 0;
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

/**
 * Parses a 24-hour time of day `HH:MM` (`17:30`, `9:05`, `00:00`).
 * @param option the option name (e.g. `until`) used in error messages.
 */
export function parseClockTime(text: string, option?: string): ClockTime {
  const label = optionLabel(option);
  const field = option?.replace(/:$/, '') ?? 'time';
  const raw = text.trim();
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!m || hour > 23 || minute > 59) {
    const subject = label ? `${label} takes a time of day like` : 'Expected a time of day like';
    throw invalid(`${subject} \`17:30\` or \`9:05\` (24-hour clock, \`00:00\` to \`23:59\`); got ${quoteValue(raw)}.`, field);
  }
  return { hour, minute };
}

// --- Time zones -------------------------------------------------------------------------------

/** Throws `invalid()` unless `timeZone` is an IANA time zone luxon knows. */
export function assertTimeZone(timeZone: string): void {
  checkTimeZone(timeZone);
}

/**
 * The next instant strictly after `now` at which the wall clock in `timeZone` shows `hour:minute`
 * (today if that is still ahead, else tomorrow). DST: when the time repeats (clocks fall back)
 * the earliest occurrence after `now` is taken; when it does not exist (clocks spring forward)
 * the time is shifted forward by the gap (02:30 → 03:30).
 */
export function nextOccurrence(now: Date, hour: number, minute: number, timeZone: string): Date {
  checkTimeZone(timeZone);
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw invalid('The current time is not a valid date.', 'now');
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw invalid(`Expected a time of day from \`00:00\` to \`23:59\`; got \`${hour}:${minute}\`.`, 'time');
  }
  const today = inZone(nowMs, timeZone).startOf('day');
  for (let add = 0; add <= 3; add++) {
    const d = today.plus({ days: add });
    for (const t of localInstants(timeZone, { year: d.year, month: d.month, day: d.day, hour, minute })) if (t > nowMs) return new Date(t);
  }
  // Unreachable for real zones: every local day has the time (or its shifted stand-in).
  throw invalid(`Could not find the next \`${hour}:${minute}\` in ${quoteValue(timeZone)}.`, 'time');
}

/**
 * When a busy spell ends: `for:` a duration from now, `until:` the next time the clock in
 * `timeZone` shows that time, or null (until the agent is marked available).
 */
export function busyUntil(now: Date, o: { forSec?: number; until?: ClockTime }, timeZone: string): Date | null {
  if (o.forSec) return new Date(now.getTime() + o.forSec * 1000);
  if (o.until) return nextOccurrence(now, o.until.hour, o.until.minute, timeZone);
  return null;
}
