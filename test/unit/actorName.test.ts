import { describe, expect, it } from 'vitest';
import { actorName, BATON, user, type Principal } from '../../src/core/permissions.js';

describe('actorName: how a principal appears in the audit trail', () => {
  const cases: Array<{ name: string; principal: Principal; expected: string }> = [
    { name: 'a Slack user by its ID', principal: user('U0123ABCD'), expected: 'U0123ABCD' },
    { name: 'Baton itself as baton', principal: BATON, expected: 'baton' },
  ];
  it.each(cases)('$name', ({ principal, expected }) => {
    expect(actorName(principal)).toBe(expected);
  });
});
