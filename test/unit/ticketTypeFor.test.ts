import { describe, expect, it } from 'vitest';
import { ticketTypeFor } from '../../src/core/routing.js';
import { makeAgent } from '../support/fixtures.js';

describe('ticketTypeFor: the type of a ticket made for an agent (a handoff, a briefing)', () => {
  const cases: Array<{ name: string; skills: string[]; type: string; expected: string }> = [
    { name: 'the type is kept when the agent takes it', skills: ['support', 'billing'], type: 'billing', expected: 'billing' },
    { name: 'else the agent’s first skill', skills: ['legal', 'support'], type: 'billing', expected: 'legal' },
    { name: 'an agent without skills keeps the type', skills: [], type: 'billing', expected: 'billing' },
  ];
  it.each(cases)('$name', ({ skills, type, expected }) => {
    expect(ticketTypeFor(makeAgent('ann', { skills }), type)).toBe(expected);
  });
});
