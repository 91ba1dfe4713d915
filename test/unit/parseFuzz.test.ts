// Fuzz: whatever text arrives, the command parsers either parse it or throw a DomainError with a message
// for the person — never another error, never a hang.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { parseAgentCommand, parseThreadVerb, parseTicketCommand, stripBotMention } from '../../src/core/parse/index.js';
import { parseDuration } from '../../src/core/duration.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'new', 'show', 'list', 'assign', 'handoff', 'resolve', 'reopen', 'escalate', 'next', 'help', 'add', 'update', 'remove',
  'busy', 'available', 'type:', 'type:billing', 'priority:', 'priority:urgent', 'priority:asap', 'escalate:2s', 'escalate:0s',
  'escalate:99999d', 'assign:@iris', 'handoff:a,b,,c', 'follows:T-2026-001', 'follows:x', 'customer:"Acme Inc"', 'x:"unterminated',
  'skills:a,b', 'skills:', 'capacity:0', 'capacity:-1', 'capacity:1e9', 'channel:<#C123ABC|x>', 'channel:#general', 'user:<@U1ABC>',
  'escalates-to:none', 'for:3h', 'until:25:99', 'until:09:30', 'T-2026-001', 't-2026-1', 'iris', '@iris', '<@U12345|iris>', '<!channel>',
  '<!here>', '<!subteam^S123>', '&lt;!everyone&gt;', '<https://evil.example|click>', "'; drop table tickets; --", '*bold*', '`code`',
  '\u0000', '\u0007', '\r\n', '\n', '\t', '🎉', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'é', '\u202e', '"', ':', '::', 'a:b:c', 'http://x.y/z', 'Re:', 'Note: hi',
];

function randomText(r: () => number): string {
  const n = Math.floor(r() * 12);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.7) parts.push(PIECES[Math.floor(r() * PIECES.length)]!);
    else if (roll < 0.9) parts.push(String.fromCharCode(...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 0xffff))));
    else parts.push('x'.repeat(Math.floor(r() * 20_000)));
  }
  return parts.join(r() < 0.8 ? ' ' : '');
}

function expectOnlyDomainErrors(fn: () => unknown, input: string) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw new Error(`non-domain error for ${JSON.stringify(input.slice(0, 200))}: ${String(e)}`);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message.length).toBeLessThan(1000);
  }
}

describe('command grammar fuzz', () => {
  it('when given 5,000 random command texts, then every parser answers with a command or a DomainError', { timeout: 120_000 }, () => {
    const r = rng(20261125);
    for (let i = 0; i < 5000; i++) {
      const text = randomText(r);
      expectOnlyDomainErrors(() => parseTicketCommand(text), text);
      expectOnlyDomainErrors(() => parseAgentCommand(text), text);
      expectOnlyDomainErrors(() => parseThreadVerb(text), text);
      expectOnlyDomainErrors(() => stripBotMention(text, 'UBATON'), text);
      expectOnlyDomainErrors(() => parseDuration(text), text);
    }
  });

  it('when a parsed ticket command carries text, then it contains no NUL byte and the title stays within its limit', () => {
    const r = rng(7);
    for (let i = 0; i < 3000; i++) {
      const text = `new ${randomText(r)}`;
      try {
        const cmd = parseTicketCommand(text);
        if (cmd.kind === 'new') {
          expect(cmd.title).not.toContain('\u0000');
          expect(cmd.description).not.toContain('\u0000');
          expect(cmd.title.length).toBeLessThanOrEqual(200);
          expect(cmd.title.trim()).not.toBe('');
        }
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
      }
    }
  });
});
