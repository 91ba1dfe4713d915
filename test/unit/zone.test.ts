// Time zones as people give them and read them: a zone's name, the instants a wall-clock reading names
// around daylight-saving changes (including half-hour ones), and how an instant is shown in a zone.
import { afterEach, describe, expect, it } from 'vitest';
import { Settings } from 'luxon';
import { checkTimeZone, formatDayTime, localInstants } from '../../src/core/zone.js';
import { err } from '../support/refusal.js';


const iso = (instants: number[]) => instants.map((t) => new Date(t).toISOString());

describe('checkTimeZone', () => {
  it('reads a zone given with spaces around it', () => {
    expect(checkTimeZone('  Europe/Paris ')).toBe('Europe/Paris');
    expect(checkTimeZone(' america/new_york')).toBe('America/New_York');
  });

  it.each([
    ['', 'Unknown time zone nothing; use an IANA name like `Europe/Paris`, `America/New_York` or `UTC`.'],
    ['   ', 'Unknown time zone nothing; use an IANA name like `Europe/Paris`, `America/New_York` or `UTC`.'],
    ['Mars/Olympus', 'Unknown time zone `Mars/Olympus`; use an IANA name like `Europe/Paris`, `America/New_York` or `UTC`.'],
  ])('refuses %j outside a command, on the timeZone field', (zone, message) => {
    const e = err(() => checkTimeZone(zone));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('timeZone');
    expect(e.message).toBe(message);
  });

  it('refuses an empty `tz:` naming the option', () => {
    const e = err(() => checkTimeZone('', 'tz', 'tz'));
    expect(e.field).toBe('tz');
    expect(e.message).toBe('`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got nothing.');
  });
});

describe('localInstants', () => {
  it('a time the clock shows twice (Paris falls back on Sun 25 Oct 2026) names both instants, earliest first', () => {
    expect(iso(localInstants('Europe/Paris', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }))).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(iso(localInstants('America/New_York', { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
  });

  it('so does one in the southern hemisphere, where the clock falls back in April (Sydney, Lord Howe Island)', () => {
    expect(iso(localInstants('Australia/Sydney', { year: 2026, month: 4, day: 5, hour: 2, minute: 30 }))).toEqual([
      '2026-04-04T15:30:00.000Z',
      '2026-04-04T16:30:00.000Z',
    ]);
    expect(iso(localInstants('Australia/Lord_Howe', { year: 2026, month: 4, day: 5, hour: 1, minute: 45 }))).toEqual([
      '2026-04-04T14:45:00.000Z',
      '2026-04-04T15:15:00.000Z',
    ]);
  });

  it('a time the clock skips (Paris springs forward on Sun 29 Mar 2026) names the instant as far after the jump', () => {
    expect(iso(localInstants('Europe/Paris', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }))).toEqual(['2026-03-29T01:30:00.000Z']);
  });

  it('any other time on the day of a change names one instant', () => {
    expect(iso(localInstants('Europe/Paris', { year: 2026, month: 3, day: 29, hour: 12, minute: 0 }))).toEqual(['2026-03-29T10:00:00.000Z']);
    expect(iso(localInstants('Europe/Paris', { year: 2026, month: 10, day: 25, hour: 12, minute: 0 }))).toEqual(['2026-10-25T11:00:00.000Z']);
  });

  it('a day a zone skipped whole (Samoa crossed the date line after Thu 29 Dec 2011) is read as the next day', () => {
    expect(iso(localInstants('Pacific/Apia', { year: 2011, month: 12, day: 29, hour: 12, minute: 0 }))).toEqual(['2011-12-29T22:00:00.000Z']);
    expect(iso(localInstants('Pacific/Apia', { year: 2011, month: 12, day: 30, hour: 12, minute: 0 }))).toEqual(['2011-12-30T22:00:00.000Z']);
    expect(iso(localInstants('Pacific/Apia', { year: 2011, month: 12, day: 31, hour: 12, minute: 0 }))).toEqual(['2011-12-30T22:00:00.000Z']);
  });

  it('a zone whose clock moves by half an hour (Lord Howe Island, Sun 4 Oct 2026) names one instant', () => {
    expect(iso(localInstants('Australia/Lord_Howe', { year: 2026, month: 10, day: 4, hour: 12, minute: 0 }))).toEqual(['2026-10-04T01:00:00.000Z']);
    expect(iso(localInstants('Australia/Lord_Howe', { year: 2026, month: 4, day: 5, hour: 12, minute: 0 }))).toEqual(['2026-04-05T01:30:00.000Z']);
  });
});

describe('formatDayTime', () => {
  const serverLocale = Settings.defaultLocale;
  afterEach(() => {
    Settings.defaultLocale = serverLocale;
  });

  it('reads in English whatever the server’s locale', () => {
    Settings.defaultLocale = 'fr-FR';
    expect(formatDayTime(new Date('2026-01-12T08:00:00Z'), 'Europe/Paris')).toBe('Mon 09:00 CET');
    expect(formatDayTime(new Date('2026-07-13T07:00:00Z'), 'Europe/Paris')).toBe('Mon 09:00 CEST');
    expect(formatDayTime(new Date('2026-01-12T14:00:00Z'), 'America/New_York')).toBe('Mon 09:00 EST');
  });
});
