// Domain errors: the code callers branch on, the message people read and the field a form marks.
import { describe, expect, it } from 'vitest';
import { DomainError, invalid, invalidState, isDomainError, notAllowed, unknownAgent, unknownTicket } from '../../src/core/errors.js';

describe('domain errors', () => {
  it('when an agent does not exist, then the error says so, points at the roster and names the handle field', () => {
    const e = unknownAgent('iris');
    expect({ code: e.code, message: e.message, field: e.field }).toEqual({
      code: 'unknown_agent',
      message: 'There is no agent `iris`. `/agent list` shows the roster.',
      field: 'handle',
    });
  });

  it('when a ticket does not exist, then the error names it and the key field', () => {
    const e = unknownTicket('T-2026-404');
    expect({ code: e.code, message: e.message, field: e.field }).toEqual({ code: 'unknown_ticket', message: 'There is no ticket `T-2026-404`.', field: 'key' });
  });

  it('each kind of refusal carries its own code; only input errors name a field', () => {
    expect([invalid('bad', 'title'), notAllowed('no'), invalidState('not now')].map((e) => [e.code, e.message, e.field])).toEqual([
      ['invalid_input', 'bad', 'title'],
      ['not_allowed', 'no', undefined],
      ['invalid_state', 'not now', undefined],
    ]);
  });

  it('a domain error reads as one in logs and is told apart from other errors', () => {
    const e = invalid('The title is empty; it is required.', 'title');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(DomainError);
    expect(String(e)).toBe('DomainError: The title is empty; it is required.');
    expect(isDomainError(e)).toBe(true);
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError({ code: 'invalid_input', message: 'look-alike' })).toBe(false);
  });
});
