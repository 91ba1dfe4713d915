// Slack text helpers: escaping, truncation, links, mentions, times.
// Pure functions: no Slack client, no database, no clock reads.
//
// Convention used by every builder in this folder:
//   - a plain `string` is USER TEXT (or any text we did not write ourselves): it is escaped;
//   - `{ raw: string }` (see `raw()`) is TRUSTED mrkdwn we built ourselves (mentions, links, formatting):
//     it is passed through untouched.
// So never escape before calling a builder: pass the original text and let the builder escape it.

import type { Priority } from '../core/types.js';
import { minuteMemo } from '../core/minuteMemo.js';

/** The mark appended to anything we cut. */
const CUT_MARK = '…';

/** Slack limits we respect. */
export const SLACK_LIMITS = {
  /** text of a section / context mrkdwn object */
  sectionText: 3000,
  /** each of a section's fields */
  fieldText: 2000,
  /** fields per section */
  fields: 10,
  /** elements per context block */
  contextElements: 10,
  /** blocks per message */
  blocks: 50,
  /** we keep the notification fallback text this short, too */
  messageText: 3000,
  buttonText: 75,
  buttonValue: 2000,
} as const;

/** Trusted mrkdwn: passed through without escaping. Only for text we built ourselves. */
export interface Raw {
  raw: string;
}
/** A piece of message text: plain strings are escaped, `{raw}` is trusted mrkdwn. */
export type Part = string | Raw;

export const raw = (s: string): Raw => ({ raw: s });

/**
 * Escapes user text for Slack mrkdwn/text: `&`, `<`, `>` become entities, so `<!channel>`,
 * `<!here>`, `<!subteam^S1>`, `<@U1>` and `<http://evil|click>` are shown literally and never ping
 * or link. Bare `@channel`/`@here`/`@everyone` get an invisible word joiner after the `@` as a
 * second line of defence (they look the same but can never be parsed as a broadcast).
 */
export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Joins parts into mrkdwn: strings escaped, `{raw}` untouched. */
export function md(parts: Part | readonly Part[]): string {
  const list: readonly Part[] = Array.isArray(parts) ? parts : [parts as Part];
  return list.map((p) => (typeof p === 'string' ? escapeText(p) : p.raw)).join('');
}

function safeCutIndex(s: string, cut: number): number {
  // never split a surrogate pair
  if (cut > 0 && cut < s.length) {
    const code = s.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  return cut;
}

/**
 * Cuts plain text (not mrkdwn) to at most `max` UTF-16 units, as Slack counts its limits, never
 * splitting an emoji; ends with a visible `…` when cut. (Stored values are cut by `cutText` in
 * core, which counts characters as the database does.)
 */
export function cutSlackText(s: string, max: number): string {
  if (max <= 0) return '';
  if (s.length <= max) return s;
  if (max === 1) return CUT_MARK;
  return s.slice(0, safeCutIndex(s, max - 1)) + CUT_MARK;
}

/**
 * Cuts already-built mrkdwn to at most `max` UTF-16 units without leaving half an entity (`&am`)
 * or half a `<…>` token (link, mention) behind; ends with `…` when cut.
 */
export function cutMrkdwn(s: string, max: number): string {
  if (max <= 0) return '';
  if (s.length <= max) return s;
  if (max === 1) return CUT_MARK;
  let cut = safeCutIndex(s, max - 1);
  let head = s.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp >= 0 && head.indexOf(';', amp) < 0 && head.length - amp < 10) head = head.slice(0, amp);
  const lt = head.lastIndexOf('<');
  if (lt >= 0 && head.indexOf('>', lt) < 0) head = head.slice(0, lt);
  cut = head.length;
  return s.slice(0, cut) + CUT_MARK;
}

/** Escapes user text, then cuts the escaped result as mrkdwn (`cutMrkdwn`). */
export function escapeAndCut(s: string, max: number): string {
  return cutMrkdwn(escapeText(s), max);
}

/** Collapses whitespace (newlines included) to single spaces: for one-line values. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export { messageLink } from '../app/links.js';

/**
 * `<url|label>` with the label escaped and `|` replaced. Only http(s) URLs become links; anything
 * else is shown as the (escaped) label alone. Characters that would end the link early are
 * percent-encoded.
 */
export function link(url: string, label: string): string {
  const safeLabel = escapeText(oneLine(label || url).replace(/\|/g, '¦'));
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return safeLabel;
  const safeUrl = url.replace(/[<>|]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${safeLabel}>`;
}

const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

export const isUserId = (s: string | null | undefined): boolean => !!s && USER_ID.test(s);
const isChannelId = (s: string | null | undefined): boolean => !!s && CHANNEL_ID.test(s);

/** `<@U…>` for a user ID we stored ourselves; anything else is returned as escaped text. */
export function mentionUser(userId: string): string {
  return isUserId(userId) ? `<@${userId}>` : escapeText(userId);
}

/** `<#C…>` for a channel ID we stored ourselves; anything else is returned as escaped text. */
export function mentionChannel(id: string): string {
  return isChannelId(id) ? `<#${id}>` : escapeText(id);
}

/** `@handle`, escaped and kept short (handles are short; anything else is cut). */
export function handleText(handle: string): string {
  return escapeAndCut(`@${oneLine(handle)}`, 80);
}

// Building an Intl.DateTimeFormat is costly (a sweep renders thousands of times): one per zone, cached.
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  let f = timeFormats.get(timeZone);
  if (!f) {
    let zone = timeZone;
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone });
    } catch {
      zone = 'UTC';
    }
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    if (timeFormats.size > 100) timeFormats.clear();
    timeFormats.set(timeZone, f);
  }
  return f;
}

const timeText = minuteMemo((ms, timeZone) => {
  const parts = timeFormat(timeZone).formatToParts(ms);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`.trim();
});

/** `Tue 25 Nov 14:05 UTC` in the given IANA zone (falls back to UTC when the zone is invalid). */
export function formatTime(date: Date, timeZone: string): string {
  const ms = date.getTime();
  return Number.isNaN(ms) ? 'unknown time' : timeText(ms, timeZone);
}

/** Age between two instants: `<1m`, `3m`, `2h 5m`, `4d`. */
export function formatAge(from: Date, now: Date): string {
  const sec = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (!Number.isFinite(sec)) return '?';
  if (sec < 60) return '<1m';
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h}h ${min % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export const PRIORITY_EMOJI: Record<Priority, string> = {
  urgent: ':red_circle:',
  high: ':large_orange_circle:',
  normal: ':white_circle:',
  low: ':large_blue_circle:',
};

/** `:red_circle: urgent` etc. */
export function priorityLabel(p: Priority): string {
  return `${PRIORITY_EMOJI[p] ?? ':white_circle:'} ${escapeText(p)}`;
}
