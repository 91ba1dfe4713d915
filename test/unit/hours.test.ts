// The working-hours clock: open or not, when it opens, and the escalation due time counted only in an
// agent's hours, across weekends, daylight-saving changes, midnight and half-hour zones. Time is passed in.
import { describe, expect, it } from 'vitest';
import {
  ALWAYS,
  addBusinessSeconds,
  businessSeconds,
  describeSchedule,
  formatHours,
  isOpen,
  nextOpen,
  normalizeScheduleOptions,
  outsideHours,
  parseHours,
  scheduleOf,
  type Schedule,
} from '../../src/core/hours.js';
import { checkTimeZone, formatDayTime } from '../../src/core/zone.js';
import { err } from '../support/refusal.js';


const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString();
const sched = (hours: string, timeZone: string): Schedule => ({ hours: parseHours(hours), timeZone });
const paris = sched('Mon-Fri 09:00-17:30', 'Europe/Paris');
const newYork = sched('Mon-Fri 09:00-17:00', 'America/New_York');

describe('parseHours', () => {
  it.each([
    ['Mon-Fri 09:00-17:30', 'Mon-Fri 09:00-17:30'],
    ['mon-fri 9:00 - 17:30', 'Mon-Fri 09:00-17:30'],
    ['Mon,Wed,Fri 08:00-12:00', 'Mon,Wed,Fri 08:00-12:00'],
    ['Sat-Sun 10:00-14:00', 'Sat,Sun 10:00-14:00'],
    ['Fri-Mon 10:00-14:00', 'Mon,Fri-Sun 10:00-14:00'],
    ['Monday-Friday 22:00-06:00', 'Mon-Fri 22:00-06:00'],
    ['Mon-Sun 00:00-24:00', 'Mon-Sun 00:00-24:00'],
    ['  Mon-Fri 09:00-17:30  ', 'Mon-Fri 09:00-17:30'],
    ['Mon, Wed 09:00-10:00', 'Mon,Wed 09:00-10:00'],
    ['Mon - Fri 09:00-17:30', 'Mon-Fri 09:00-17:30'],
    ['Mon-Fri 18:00-23:59', 'Mon-Fri 18:00-23:59'],
    ['Mon-Fri 23:00-07:00', 'Mon-Fri 23:00-07:00'],
  ])('reads %j as %j', (text, normal) => {
    expect(formatHours(parseHours(text))).toBe(normal);
    expect(formatHours(parseHours(normal))).toBe(normal);
  });

  it('reads `always` as no hours', () => {
    expect(parseHours('always')).toBeNull();
    expect(parseHours('Always')).toBeNull();
    expect(formatHours(null)).toBe('always');
  });

  it.each<[string, string]>([
    ['9-5', '`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `9-5`.'],
    ['Mon-Fri', '`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `Mon-Fri`.'],
    ['Mon-Fry 09:00-17:30', '`hours:` has an unknown day `Fry` in `Mon-Fry 09:00-17:30`; days are Mon, Tue, Wed, Thu, Fri, Sat, Sun, as in `Mon-Fri 09:00-17:30`.'],
    ['Mon-Fri 09:00-25:00', '`hours:` has the time `25:00` in `Mon-Fri 09:00-25:00`; times are 24-hour `HH:MM` from `00:00` to `23:59` (`24:00` may end a range), as in `Mon-Fri 09:00-17:30`.'],
    ['Mon-Fri 9am-5pm', '`hours:` has the time `9am` in `Mon-Fri 9am-5pm`; times are 24-hour `HH:MM` from `00:00` to `23:59` (`24:00` may end a range), as in `Mon-Fri 09:00-17:30`.'],
    ['Mon-Fri 09:00-09:00', '`hours:` opens and closes at the same time in `Mon-Fri 09:00-09:00`; for round-the-clock use `always`.'],
    ['1 Mon-Fri 09:00-17:30', '`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `1 Mon-Fri 09:00-17:30`.'],
    ['Mon-Fri 09:00-17:30 Paris', '`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `Mon-Fri 09:00-17:30 Paris`.'],
    ...['Mon--Fri 09:00-17:30', 'Mon-Wed-Fri 09:00-17:30', 'Mon,,Fri 09:00-17:30', 'Mon- 09:00-17:30'].map((text): [string, string] => [
      text,
      `\`hours:\` takes days and a time range like \`Mon-Fri 09:00-17:30\` or \`Mon,Wed,Fri 08:00-12:00\` (or \`always\`); got \`${text}\`.`,
    ]),
    ...([
      ['Mon 24:00-06:00', '24:00'],
      ['Mon 09:00-24:30', '24:30'],
      ['Mon-Fri 09:60-17:00', '09:60'],
      ['Mon-Fri 109:00-17:00', '109:00'],
      ['Mon-Fri 09:000-17:00', '09:000'],
    ] as [string, string][]).map(([text, time]): [string, string] => [
      text,
      `\`hours:\` has the time \`${time}\` in \`${text}\`; times are 24-hour \`HH:MM\` from \`00:00\` to \`23:59\` (\`24:00\` may end a range), as in \`Mon-Fri 09:00-17:30\`.`,
    ]),
  ])('refuses %j naming the allowed form', (text, message) => {
    const e = err(() => parseHours(text));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('hours');
    expect(e.message).toBe(message);
  });
});

describe('time zones', () => {
  it('accepts IANA zones by their canonical name and refuses others with the allowed form', () => {
    expect(checkTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(checkTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(checkTimeZone('UTC')).toBe('UTC');
    const e = err(() => checkTimeZone('Paris', 'tz', 'tz'));
    expect(e.field).toBe('tz');
    expect(e.message).toBe('`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got `Paris`.');
  });

  it('names the instant in the zone with its usual abbreviation, or its offset', () => {
    expect(formatDayTime(at('2026-01-12T08:00:00Z'), 'Europe/Paris')).toBe('Mon 09:00 CET');
    expect(formatDayTime(at('2026-07-13T07:00:00Z'), 'Europe/Paris')).toBe('Mon 09:00 CEST');
    expect(formatDayTime(at('2026-01-12T14:00:00Z'), 'America/New_York')).toBe('Mon 09:00 EST');
    expect(formatDayTime(at('2026-01-12T03:30:00Z'), 'Asia/Kolkata')).toBe('Mon 09:00 GMT+5:30');
    // Remembered by zone and minute: the same minute in another zone, and the next minute, are their own.
    expect(formatDayTime(at('2026-01-12T08:00:59Z'), 'Europe/Paris')).toBe('Mon 09:00 CET');
    expect(formatDayTime(at('2026-01-12T08:00:30Z'), 'UTC')).toBe('Mon 08:00 UTC');
    expect(formatDayTime(at('2026-01-12T08:01:00Z'), 'Europe/Paris')).toBe('Mon 09:01 CET');
    expect(formatDayTime(new Date('2026-01-12T08:00:00Z'), 'America/New_York')).toBe('Mon 03:00 EST');
    // An instant given as milliseconds reads the same as the Date.
    expect(formatDayTime(Date.parse('2026-01-12T08:00:00Z'), 'America/New_York')).toBe('Mon 03:00 EST');
    expect(formatDayTime(Date.parse('2026-01-12T09:00:00Z'), 'Europe/Paris')).toBe('Mon 10:00 CET');
  });
});

describe('a weekend', () => {
  // Friday 2026-01-09, Paris in winter (UTC+1).
  it('is closed from Friday 17:30 to Monday 09:00, and says until when', () => {
    expect(isOpen(paris, at('2026-01-09T16:29:00Z'))).toBe(true);
    expect(isOpen(paris, at('2026-01-09T16:30:00Z'))).toBe(false);
    expect(isOpen(paris, at('2026-01-10T12:00:00Z'))).toBe(false);
    expect(iso(nextOpen(paris, at('2026-01-10T12:00:00Z')))).toBe('2026-01-12T08:00:00.000Z');
    expect(iso(nextOpen(paris, at('2026-01-12T08:30:00Z')))).toBe('2026-01-12T08:30:00.000Z');
    expect(outsideHours(paris, at('2026-01-09T17:00:00Z'))).toBe('outside working hours until Mon 09:00 CET');
    expect(outsideHours(paris, at('2026-01-12T08:00:00Z'))).toBeNull();
  });

  it('a ticket filed Friday evening is not stale on Monday at 09:01: its 4h run from Monday 09:00', () => {
    const filed = at('2026-01-09T17:00:00Z'); // Fri 18:00 CET
    const due = addBusinessSeconds(paris, filed, 4 * 3600);
    expect(iso(due)).toBe('2026-01-12T12:00:00.000Z'); // Mon 13:00 CET
    expect(formatDayTime(due, 'Europe/Paris')).toBe('Mon 13:00 CET');
    expect(businessSeconds(paris, filed, at('2026-01-12T08:01:00Z'))).toBe(60);
  });

  it('a clock that runs out over the weekend goes on on Monday', () => {
    // Fri 16:30 CET + 2h: one hour on Friday, one on Monday.
    expect(iso(addBusinessSeconds(paris, at('2026-01-09T15:30:00Z'), 2 * 3600))).toBe('2026-01-12T09:00:00.000Z');
    expect(businessSeconds(paris, at('2026-01-09T15:30:00Z'), at('2026-01-12T09:00:00Z'))).toBe(7200);
  });

  it('always: the clock is the wall clock', () => {
    const always: Schedule = { hours: null, timeZone: 'UTC' };
    expect(isOpen(always, at('2026-01-10T03:00:00Z'))).toBe(true);
    expect(iso(addBusinessSeconds(always, at('2026-01-10T03:00:00Z'), 3600))).toBe('2026-01-10T04:00:00.000Z');
    expect(outsideHours(always, at('2026-01-10T03:00:00Z'))).toBeNull();
  });
});

describe('daylight saving', () => {
  it('Europe/Paris in spring (Sun 29 Mar 2026, 02:00 → 03:00): 09:00 is 07:00Z from Monday', () => {
    // Fri 27 Mar 17:00 CET = 16:00Z, 1h: half an hour on Friday, half on Monday 30 Mar from 09:00 CEST.
    expect(iso(addBusinessSeconds(paris, at('2026-03-27T16:00:00Z'), 3600))).toBe('2026-03-30T07:30:00.000Z');
    expect(outsideHours(paris, at('2026-03-28T12:00:00Z'))).toBe('outside working hours until Mon 09:00 CEST');
    // A Sunday window 01:00-04:00 is only two hours long that night.
    const night = sched('Sun 01:00-04:00', 'Europe/Paris');
    expect(businessSeconds(night, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(2 * 3600);
  });

  it('Europe/Paris in autumn (Sun 25 Oct 2026, 03:00 → 02:00): 09:00 is 08:00Z from Monday', () => {
    // Fri 23 Oct 17:00 CEST = 15:00Z, 1h → Mon 26 Oct 09:30 CET = 08:30Z.
    expect(iso(addBusinessSeconds(paris, at('2026-10-23T15:00:00Z'), 3600))).toBe('2026-10-26T08:30:00.000Z');
    const night = sched('Sun 01:00-04:00', 'Europe/Paris');
    expect(businessSeconds(night, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(4 * 3600);
  });

  it('America/New_York in spring (Sun 8 Mar 2026) and autumn (Sun 1 Nov 2026)', () => {
    // Fri 6 Mar 16:00 EST = 21:00Z, 2h → Mon 9 Mar 10:00 EDT = 14:00Z.
    expect(iso(addBusinessSeconds(newYork, at('2026-03-06T21:00:00Z'), 2 * 3600))).toBe('2026-03-09T14:00:00.000Z');
    expect(iso(nextOpen(newYork, at('2026-03-07T12:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
    // Fri 30 Oct 16:00 EDT = 20:00Z, 2h → Mon 2 Nov 10:00 EST = 15:00Z.
    expect(iso(addBusinessSeconds(newYork, at('2026-10-30T20:00:00Z'), 2 * 3600))).toBe('2026-11-02T15:00:00.000Z');
    expect(outsideHours(newYork, at('2026-10-31T12:00:00Z'))).toBe('outside working hours until Mon 09:00 EST');
  });
});

describe('hours that cross midnight', () => {
  const nights = sched('Mon-Fri 22:00-06:00', 'UTC');

  it('open from 22:00 on the days named until 06:00 the next morning', () => {
    // Monday 2026-01-12.
    expect(isOpen(nights, at('2026-01-12T05:00:00Z'))).toBe(false); // Sunday night is not a working night
    expect(isOpen(nights, at('2026-01-12T22:00:00Z'))).toBe(true);
    expect(isOpen(nights, at('2026-01-13T05:59:00Z'))).toBe(true);
    expect(isOpen(nights, at('2026-01-13T06:00:00Z'))).toBe(false);
    expect(isOpen(nights, at('2026-01-17T05:00:00Z'))).toBe(true); // Friday night into Saturday
    expect(iso(nextOpen(nights, at('2026-01-17T07:00:00Z')))).toBe('2026-01-19T22:00:00.000Z');
  });

  it('the clock runs across midnight and skips the weekend', () => {
    expect(iso(addBusinessSeconds(nights, at('2026-01-16T23:00:00Z'), 4 * 3600))).toBe('2026-01-17T03:00:00.000Z');
    expect(iso(addBusinessSeconds(nights, at('2026-01-17T05:00:00Z'), 2 * 3600))).toBe('2026-01-19T23:00:00.000Z');
    expect(businessSeconds(nights, at('2026-01-12T00:00:00Z'), at('2026-01-19T00:00:00Z'))).toBe(5 * 8 * 3600);
  });
});

describe('zones with a half-hour offset', () => {
  it('Asia/Kolkata (UTC+5:30): 09:00 is 03:30Z', () => {
    const kolkata = sched('Mon-Fri 09:00-17:30', 'Asia/Kolkata');
    expect(isOpen(kolkata, at('2026-01-12T03:29:00Z'))).toBe(false);
    expect(isOpen(kolkata, at('2026-01-12T03:30:00Z'))).toBe(true);
    expect(iso(addBusinessSeconds(kolkata, at('2026-01-12T11:30:00Z'), 3600))).toBe('2026-01-13T04:00:00.000Z'); // 17:00 IST + 1h → Tue 09:30 IST
  });

  it('Australia/Adelaide (UTC+10:30 in summer, +9:30 in winter)', () => {
    const adelaide = sched('Mon-Fri 09:00-17:00', 'Australia/Adelaide');
    // Mon 12 Jan 2026 09:00 ACDT = Sun 11 Jan 22:30Z; Mon 13 Jul 09:00 ACST = Sun 12 Jul 23:30Z.
    expect(iso(nextOpen(adelaide, at('2026-01-11T12:00:00Z')))).toBe('2026-01-11T22:30:00.000Z');
    expect(iso(nextOpen(adelaide, at('2026-07-12T12:00:00Z')))).toBe('2026-07-12T23:30:00.000Z');
  });
});

describe('the due time after a wait and a resume', () => {
  it('keeps the working time left when the clock stopped and counts it again from the resume', () => {
    const assigned = at('2026-01-12T08:00:00Z'); // Mon 09:00 CET
    const due = addBusinessSeconds(paris, assigned, 4 * 3600);
    expect(formatDayTime(due, 'Europe/Paris')).toBe('Mon 13:00 CET');
    // Waits at 10:00: 3h left. Resumed at 16:00: 1h30 on Monday, 1h30 on Tuesday from 09:00.
    const left = businessSeconds(paris, at('2026-01-12T09:00:00Z'), due);
    expect(left).toBe(3 * 3600);
    const resumed = addBusinessSeconds(paris, at('2026-01-12T15:00:00Z'), left);
    expect(formatDayTime(resumed, 'Europe/Paris')).toBe('Tue 10:30 CET');
    // Resumed on Saturday: the 3h start on Monday.
    expect(formatDayTime(addBusinessSeconds(paris, at('2026-01-17T10:00:00Z'), left), 'Europe/Paris')).toBe('Mon 12:00 CET');
  });
});

describe('hours and zone as an admin gives them', () => {
  it('are stored in the form they are shown in: hours written back, the zone by its canonical name', () => {
    expect(normalizeScheduleOptions({ handle: 'iris', hours: 'mon-fri 9:00-17:30', timeZone: 'europe/paris' })).toStrictEqual({
      handle: 'iris',
      hours: 'Mon-Fri 09:00-17:30',
      timeZone: 'Europe/Paris',
    });
    expect(normalizeScheduleOptions({ hours: 'Always' })).toStrictEqual({ hours: null });
    expect(normalizeScheduleOptions({ hours: null, timeZone: 'UTC' })).toStrictEqual({ hours: null, timeZone: 'UTC' });
  });

  it('leave what was not given alone', () => {
    const roster: { handle: string; capacity: number; hours?: string | null; timeZone?: string } = { handle: 'iris', capacity: 3 };
    expect(normalizeScheduleOptions(roster)).toStrictEqual({ handle: 'iris', capacity: 3 });
    expect(normalizeScheduleOptions({ timeZone: 'America/New_York' })).toStrictEqual({ timeZone: 'America/New_York' });
  });

  it('are refused like `/agent update` refuses them, naming the option', () => {
    const tz = err(() => normalizeScheduleOptions({ timeZone: 'Paris' }));
    expect(tz.field).toBe('tz');
    expect(tz.message).toBe('`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got `Paris`.');
    const hours = err(() => normalizeScheduleOptions({ hours: '9-5' }));
    expect(hours.field).toBe('hours');
    expect(hours.message).toBe('`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `9-5`.');
  });

  it('an agent’s stored hours read back as its schedule, and are shown with the zone or as `always`', () => {
    expect(scheduleOf({ hours: null, timeZone: 'Europe/Paris' })).toStrictEqual({ hours: null, timeZone: 'Europe/Paris' });
    const s = scheduleOf({ hours: 'Mon-Fri 09:00-17:30', timeZone: 'Europe/Paris' });
    expect(s).toStrictEqual({ hours: { days: [1, 2, 3, 4, 5], start: 540, end: 1050 }, timeZone: 'Europe/Paris' });
    expect(scheduleOf({ hours: 'Mon-Fri 09:00-17:30', timeZone: 'Europe/Paris' })).toStrictEqual(s);
    expect(describeSchedule(s)).toBe('Mon-Fri 09:00-17:30 Europe/Paris');
    expect(describeSchedule(sched('Mon-Fri 22:00-06:00', 'America/New_York'))).toBe('Mon-Fri 22:00-06:00 America/New_York');
    expect(describeSchedule({ hours: null, timeZone: 'Europe/Paris' })).toBe('always');
  });
});

describe('hours that end at 24:00', () => {
  const late = sched('Mon-Fri 09:00-24:00', 'Europe/Paris');

  it('are open until midnight and closed from it', () => {
    expect(isOpen(late, at('2026-01-12T22:30:00Z'))).toBe(true); // Mon 23:30 CET
    expect(isOpen(late, at('2026-01-12T23:00:00Z'))).toBe(false); // Tue 00:00 CET
    expect(iso(nextOpen(late, at('2026-01-12T23:00:00Z')))).toBe('2026-01-13T08:00:00.000Z');
    expect(outsideHours(late, at('2026-01-12T23:00:00Z'))).toBe('outside working hours until Tue 09:00 CET');
  });
});

describe('the clock at the edges of a working day', () => {
  it('a clock that runs out exactly at closing time is due at closing, not the next morning', () => {
    // Mon 13:30 CET + 4h = Mon 17:30 CET.
    const due = addBusinessSeconds(paris, at('2026-01-12T12:30:00Z'), 4 * 3600);
    expect(iso(due)).toBe('2026-01-12T16:30:00.000Z');
    expect(formatDayTime(due, 'Europe/Paris')).toBe('Mon 17:30 CET');
  });

  it('no working time passes from an instant to an earlier one', () => {
    expect(businessSeconds(paris, at('2026-01-12T10:00:00Z'), at('2026-01-12T09:30:00Z'))).toBe(0);
    expect(businessSeconds(paris, at('2026-01-12T10:00:00Z'), at('2026-01-12T10:00:00Z'))).toBe(0);
    expect(businessSeconds(ALWAYS, at('2026-01-12T10:00:00Z'), at('2026-01-12T09:30:00Z'))).toBe(0);
  });

  it('always: every second counts and it is open now', () => {
    expect(businessSeconds(ALWAYS, at('2026-01-10T03:00:00Z'), at('2026-01-10T04:30:15Z'))).toBe(5415);
    expect(iso(nextOpen(ALWAYS, at('2026-01-10T03:00:00Z')))).toBe('2026-01-10T03:00:00.000Z');
  });
});

describe('a window the clock skips', () => {
  // Europe/Paris springs forward on Sun 29 Mar 2026 from 02:00 to 03:00.
  it('never opens that night, and the next opening is a week later', () => {
    const from = at('2026-03-28T12:00:00Z');
    expect(iso(nextOpen(sched('Sun 02:00-03:00', 'Europe/Paris'), from))).toBe('2026-04-05T00:00:00.000Z');
    expect(iso(nextOpen(sched('Sun 02:30-03:00', 'Europe/Paris'), from))).toBe('2026-04-05T00:30:00.000Z');
  });

  it('partly skipped, opens for the part that exists', () => {
    const s = sched('Sun 02:00-03:30', 'Europe/Paris');
    expect(iso(nextOpen(s, at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(businessSeconds(s, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(1800);
  });
});

describe('hours with no working day', () => {
  const never: Schedule = { hours: { days: [], start: 540, end: 1020 }, timeZone: 'Europe/Paris' };

  it('are never open, with no next opening to name', () => {
    const now = at('2026-01-12T10:00:00Z');
    expect(isOpen(never, now)).toBe(false);
    expect(nextOpen(never, now)).toBeNull();
    expect(outsideHours(never, now)).toBe('outside working hours');
  });

  it('leave a clock to the wall clock rather than never falling due', () => {
    expect(iso(addBusinessSeconds(never, at('2026-01-12T10:00:00Z'), 3600))).toBe('2026-01-12T11:00:00.000Z');
  });
});
