// The error an A2A call throws: named for logs and errors shown, with whether it is worth trying again.
import { describe, expect, it } from 'vitest';
import { A2aCallError } from '../../src/app/a2aPort.js';

describe('A2aCallError', () => {
  it('when made, then it is an Error named A2aCallError with its message and whether it is transient', () => {
    const e = new A2aCallError('the agent answered 503', true);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('A2aCallError');
    expect(e.message).toBe('the agent answered 503');
    expect(e.transient).toBe(true);
    expect(String(new A2aCallError('no card at the URL', false))).toBe('A2aCallError: no card at the URL');
  });
});
