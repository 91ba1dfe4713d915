import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';

describe('the system clock', () => {
  it('tells the current time', () => {
    const before = Date.now();
    const now = systemClock.now();
    const after = Date.now();
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
    expect(now.getTime()).toBeLessThanOrEqual(after);
  });
});
