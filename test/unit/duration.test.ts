import { describe, it, expect } from 'vitest';
import {
  MAX_DURATION_SEC,
  assertTimeZone,
  busyUntil,
  formatDuration,
  nextOccurrence,
  parseClockTime,
  parseDuration,
} from '../../src/core/duration.js';
import { quoteValue } from '../../src/core/validate.js';
import { err } from '../support/refusal.js';


describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['4h', 14400],
    ['1d', 86400],
    ['1h30m', 5400],
    ['2d4h', 2 * 86400 + 4 * 3600],
    ['1h30m15s', 5415],
    ['1d1h1m1s', 86400 + 3600 + 60 + 1],
    ['2d30s', 2 * 86400 + 30],
    ['0h30m', 1800],
    ['90m', 5400],
    ['05m', 300],
    ['1H30M', 5400],
    ['  4h  ', 14400],
    ['365d', 365 * 86400],
    ['8760h', 365 * 86400],
    ['364d23h59m59s', 365 * 86400 - 1],
    ['1s', 1],
  ])('%j → %i seconds', (text, sec) => {
    expect(parseDuration(text)).toBe(sec);
  });

  it('caps at 365 days', () => {
    expect(MAX_DURATION_SEC).toBe(31_536_000);
  });

  const shape = (got: string) =>
    `\`escalate:\` takes a duration like \`90s\`, \`30m\`, \`4h\`, \`1d\` or \`1h30m\`; got ${got}.`;

  it.each([
    ['abc', shape('`abc`')],
    ['', shape('nothing')],
    ['   ', shape('nothing')],
    ['-5m', shape('`-5m`')],
    ['+5m', shape('`+5m`')],
    ['5w', shape('`5w`')],
    ['4hours', shape('`4hours`')],
    ['1.5h', shape('`1.5h`')],
    ['1 h', shape('`1 h`')],
    ['h', shape('`h`')],
    ['1m1h', shape('`1m1h`')],
    ['30s1m', shape('`30s1m`')],
    ['1h1h', shape('`1h1h`')],
    ['1h30', shape('`1h30`')],
    ['90', shape('`90`') + ' A number needs a unit: `s`, `m`, `h` or `d`.'],
    ['0', shape('`0`') + ' A number needs a unit: `s`, `m`, `h` or `d`.'],
    ['0s', '`escalate:` must be longer than zero; got `0s`.'],
    ['0h0m0s', '`escalate:` must be longer than zero; got `0h0m0s`.'],
    ['366d', '`escalate:` can be at most 365 days (`365d`); got `366d`.'],
    ['365d1s', '`escalate:` can be at most 365 days (`365d`); got `365d1s`.'],
    ['8761h', '`escalate:` can be at most 365 days (`365d`); got `8761h`.'],
    ['99999999999999999999999d', '`escalate:` can be at most 365 days (`365d`); got `99999999999999999999999d`.'],
  ])('rejects %j with a message naming the option', (text, message) => {
    const e = err(() => parseDuration(text, 'escalate'));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('escalate');
    expect(e.message).toBe(message);
  });

  it('accepts the option name with its colon', () => {
    const e = err(() => parseDuration('abc', 'escalate:'));
    expect(e.message).toBe(shape('`abc`'));
    expect(e.field).toBe('escalate');
    expect(err(() => parseDuration('0s', 'escalate:')).field).toBe('escalate');
  });

  it('words the message without an option name', () => {
    const e = err(() => parseDuration('abc'));
    expect(e.message).toBe('Expected a duration like `90s`, `30m`, `4h`, `1d` or `1h30m`; got `abc`.');
    expect(e.field).toBe('duration');
    expect(err(() => parseDuration('0m')).message).toBe('A duration must be longer than zero; got `0m`.');
    expect(err(() => parseDuration('400d')).message).toBe('A duration can be at most 365 days (`365d`); got `400d`.');
  });

  it('refuses a 20 KB string quickly, quoting only its start', () => {
    const huge = '1'.repeat(20_000) + 's';
    const e = err(() => parseDuration(huge, 'for'));
    expect(e.message).toBe(`\`for:\` can be at most 365 days (\`365d\`); got \`${'1'.repeat(39)}…\`.`);
    const junk = 'x'.repeat(20_000);
    expect(err(() => parseDuration(junk, 'for')).message).toBe(
      `\`for:\` takes a duration like \`90s\`, \`30m\`, \`4h\`, \`1d\` or \`1h30m\`; got \`${'x'.repeat(39)}…\`.`,
    );
  });

  it('escapes Slack control sequences in the quoted value', () => {
    expect(err(() => parseDuration('<!channel>', 'escalate')).message).toBe(shape('`&lt;!channel&gt;`'));
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [Number.NaN, '0s'],
    [1, '1s'],
    [45, '45s'],
    [60, '1m'],
    [90, '1m30s'],
    [1800, '30m'],
    [3600, '1h'],
    [5400, '1h30m'],
    [5415, '1h30m15s'],
    [86400, '1d'],
    [172800, '2d'],
    [2 * 86400 + 4 * 3600, '2d4h'],
    [86400 + 1, '1d1s'],
    [365 * 86400, '365d'],
    [89.6, '1m30s'],
  ])('%d → %s', (sec, text) => {
    expect(formatDuration(sec)).toBe(text);
  });

  it.each(['45s', '1m30s', '30m', '4h', '1d', '1h30m', '2d4h', '1h30m15s', '365d'])('round-trips %s', (text) => {
    expect(formatDuration(parseDuration(text))).toBe(text);
  });
});

describe('parseClockTime', () => {
  it.each([
    ['9:05', { hour: 9, minute: 5 }],
    ['09:05', { hour: 9, minute: 5 }],
    ['00:00', { hour: 0, minute: 0 }],
    ['0:00', { hour: 0, minute: 0 }],
    ['23:59', { hour: 23, minute: 59 }],
    ['12:30', { hour: 12, minute: 30 }],
    [' 17:30 ', { hour: 17, minute: 30 }],
  ])('%j → %j', (text, time) => {
    expect(parseClockTime(text)).toEqual(time);
  });

  const shape = (got: string) =>
    `\`until:\` takes a time of day like \`17:30\` or \`9:05\` (24-hour clock, \`00:00\` to \`23:59\`); got ${got}.`;

  it.each([
    ['25:00', '`25:00`'],
    ['24:00', '`24:00`'],
    ['12:60', '`12:60`'],
    ['9:5', '`9:5`'],
    ['905', '`905`'],
    ['9.05', '`9.05`'],
    ['9h05', '`9h05`'],
    ['123:00', '`123:00`'],
    ['-1:00', '`-1:00`'],
    ['12:00pm', '`12:00pm`'],
    ['12:00:00', '`12:00:00`'],
    ['', 'nothing'],
    ['noon', '`noon`'],
  ])('rejects %j', (text, got) => {
    const e = err(() => parseClockTime(text, 'until'));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('until');
    expect(e.message).toBe(shape(got));
  });

  it('accepts the option name with its colon', () => {
    const e = err(() => parseClockTime('25:00', 'until:'));
    expect(e.message).toBe(shape('`25:00`'));
    expect(e.field).toBe('until');
  });

  it('words the message without an option name', () => {
    const e = err(() => parseClockTime('25:00'));
    expect(e.field).toBe('time');
    expect(e.message).toBe(
      'Expected a time of day like `17:30` or `9:05` (24-hour clock, `00:00` to `23:59`); got `25:00`.',
    );
  });
});

describe('nextOccurrence', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    // [now, hour, minute, zone, expected]
    ['2026-05-10T08:00:00Z', 9, 30, 'UTC', '2026-05-10T09:30:00.000Z', 'later today'],
    ['2026-05-10T10:00:00Z', 9, 30, 'UTC', '2026-05-11T09:30:00.000Z', 'passed today → tomorrow'],
    ['2026-05-10T09:30:00Z', 9, 30, 'UTC', '2026-05-11T09:30:00.000Z', 'exactly now → tomorrow'],
    ['2026-05-10T09:29:59.999Z', 9, 30, 'UTC', '2026-05-10T09:30:00.000Z', 'a millisecond before'],
    ['2026-05-10T09:30:00.001Z', 9, 30, 'UTC', '2026-05-11T09:30:00.000Z', 'a millisecond after'],
    ['2026-12-31T23:00:00Z', 0, 15, 'UTC', '2027-01-01T00:15:00.000Z', 'year rollover'],
    ['2028-02-28T12:00:00Z', 8, 0, 'UTC', '2028-02-29T08:00:00.000Z', 'leap day'],
    ['2026-07-01T20:00:00Z', 23, 0, 'Europe/Paris', '2026-07-01T21:00:00.000Z', 'Paris summer, today'],
    ['2026-07-01T20:00:00Z', 9, 0, 'Europe/Paris', '2026-07-02T07:00:00.000Z', 'Paris summer, tomorrow'],
    ['2026-07-01T23:30:00Z', 8, 0, 'Europe/Paris', '2026-07-02T06:00:00.000Z', 'local date ahead of UTC'],
    ['2026-01-15T03:00:00Z', 23, 0, 'America/New_York', '2026-01-15T04:00:00.000Z', 'local date behind UTC'],
    ['2026-01-15T03:00:00Z', 9, 0, 'America/New_York', '2026-01-15T14:00:00.000Z', 'New York winter'],
    ['2026-05-10T00:00:00Z', 6, 0, 'Asia/Kolkata', '2026-05-10T00:30:00.000Z', 'half-hour offset, today'],
    ['2026-05-10T00:00:00Z', 5, 0, 'Asia/Kolkata', '2026-05-10T23:30:00.000Z', 'half-hour offset, tomorrow'],
    ['2026-05-10T00:00:00Z', 9, 0, 'Asia/Kathmandu', '2026-05-10T03:15:00.000Z', 'quarter-hour offset'],
    // DST: New York springs forward 2026-03-08 02:00 EST → 03:00 EDT (07:00Z).
    ['2026-03-07T15:00:00Z', 9, 0, 'America/New_York', '2026-03-08T13:00:00.000Z', 'across spring-forward (22h later)'],
    ['2026-03-08T05:00:00Z', 2, 30, 'America/New_York', '2026-03-08T07:30:00.000Z', 'time in the gap → shifted to 03:30 EDT'],
    ['2026-03-08T05:00:00Z', 3, 0, 'America/New_York', '2026-03-08T07:00:00.000Z', 'first minute after the gap'],
    ['2026-03-08T05:00:00Z', 1, 59, 'America/New_York', '2026-03-08T06:59:00.000Z', 'last minute before the gap'],
    // DST: New York falls back 2026-11-01 02:00 EDT → 01:00 EST (06:00Z); 01:30 happens twice.
    ['2026-10-31T14:00:00Z', 9, 0, 'America/New_York', '2026-11-01T14:00:00.000Z', 'across fall-back (25h later)'],
    ['2026-11-01T04:00:00Z', 1, 30, 'America/New_York', '2026-11-01T05:30:00.000Z', 'repeated time → first occurrence (EDT)'],
    ['2026-11-01T05:45:00Z', 1, 30, 'America/New_York', '2026-11-01T06:30:00.000Z', 'between the two → second occurrence (EST)'],
    ['2026-11-01T06:45:00Z', 1, 30, 'America/New_York', '2026-11-02T06:30:00.000Z', 'after both → tomorrow'],
    // London springs forward 2026-03-29 01:00 GMT → 02:00 BST.
    ['2026-03-29T00:00:00Z', 1, 30, 'Europe/London', '2026-03-29T01:30:00.000Z', 'London gap → 02:30 BST'],
    ['2026-03-28T12:00:00Z', 12, 0, 'Europe/London', '2026-03-29T11:00:00.000Z', 'London noon after the change'],
  ])('%s %i:%i in %s → %s (%s)', (now, hour, minute, zone, expected) => {
    expect(nextOccurrence(at(now), hour, minute, zone).toISOString()).toBe(expected);
  });

  it('always returns an instant after now, within 25 hours, showing the wall time asked for', () => {
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    });
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 400; i++) {
      const now = new Date(start + i * 7 * 3600_000 + i * 60_000);
      const next = nextOccurrence(now, 14, 45, 'Europe/Berlin');
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(25 * 3600_000);
      expect(fmt.format(next)).toBe('14:45');
    }
  });

  it.each(['Mars/Base', '', 'Not a zone', 'Europe/Nowhere'])('rejects the time zone %j', (zone) => {
    const e = err(() => nextOccurrence(at('2026-05-10T08:00:00Z'), 9, 0, zone));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('timeZone');
    expect(e.message).toBe(
      `Unknown time zone ${quoteValue(zone)}; use an IANA name like \`Europe/Paris\`, \`America/New_York\` or \`UTC\`.`,
    );
  });

  it('assertTimeZone accepts real zones and refuses others', () => {
    expect(() => assertTimeZone('UTC')).not.toThrow();
    expect(() => assertTimeZone('Europe/Paris')).not.toThrow();
    expect(err(() => assertTimeZone('Mars/Base')).field).toBe('timeZone');
  });

  it.each([
    [24, 0],
    [-1, 0],
    [9, 60],
    [9, -1],
    [9, 5.5],
    [9.5, 0],
    [Number.NaN, 0],
  ])('rejects the time %d:%d', (hour, minute) => {
    const e = err(() => nextOccurrence(at('2026-05-10T08:00:00Z'), hour, minute, 'UTC'));
    expect(e.field).toBe('time');
    expect(e.message).toBe(`Expected a time of day from \`00:00\` to \`23:59\`; got \`${hour}:${minute}\`.`);
  });

  it('rejects an invalid current time', () => {
    const e = err(() => nextOccurrence(new Date('nope'), 9, 0, 'UTC'));
    expect(e.field).toBe('now');
    expect(e.message).toBe('The current time is not a valid date.');
  });
});

describe('busyUntil', () => {
  const now = new Date('2026-05-10T08:00:00Z');

  it('`for:` ends the busy spell that long from now', () => {
    expect(busyUntil(now, { forSec: 5400 }, 'UTC')?.toISOString()).toBe('2026-05-10T09:30:00.000Z');
    expect(busyUntil(now, { forSec: 1 }, 'Europe/Paris')?.toISOString()).toBe('2026-05-10T08:00:01.000Z');
  });

  it('`until:` ends it the next time the clock in the zone shows that time', () => {
    expect(busyUntil(now, { until: { hour: 17, minute: 30 } }, 'Europe/Paris')?.toISOString()).toBe('2026-05-10T15:30:00.000Z');
    expect(busyUntil(now, { until: { hour: 9, minute: 0 } }, 'Europe/Paris')?.toISOString()).toBe('2026-05-11T07:00:00.000Z');
  });

  it('neither: no end, busy until marked available', () => {
    expect(busyUntil(now, {}, 'UTC')).toBeNull();
  });
});

describe('quoteValue', () => {
  it.each([
    ['abc', '`abc`'],
    ['', 'nothing'],
    ['   ', 'nothing'],
    ['a\nb\tc', '`a b c`'],
    ['a\r\n\r\nb', '`a b`'],
    ['use `rm`', "`use 'rm'`"],
    ['<!channel> & <@U123>', '`&lt;!channel&gt; &amp; &lt;@U123&gt;`'],
    ['x'.repeat(40), '`' + 'x'.repeat(40) + '`'],
    ['x'.repeat(41), '`' + 'x'.repeat(39) + '…`'],
    ['😀'.repeat(41), '`' + '😀'.repeat(39) + '…`'],
  ])('%j → %s', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });

  it('takes another maximum', () => {
    expect(quoteValue('abcdef', 4)).toBe('`abc…`');
  });
});
