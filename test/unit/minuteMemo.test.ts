import { describe, expect, it } from 'vitest';
import { minuteMemo } from '../../src/core/minuteMemo.js';

describe('minuteMemo', () => {
  it('computes once per zone and minute, keeps at most its bound, and never keeps a failure', () => {
    const calls: string[] = [];
    const f = minuteMemo((ms, zone) => {
      if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
      calls.push(`${ms} ${zone}`);
      return `${Math.floor(ms / 60_000)}@${zone}`;
    }, 2);
    expect(f(60_000, 'UTC')).toBe('1@UTC');
    expect(f(119_999, 'UTC')).toBe('1@UTC');
    expect(f(60_000, 'Asia/Tokyo')).toBe('1@Asia/Tokyo');
    expect(calls).toEqual(['60000 UTC', '60000 Asia/Tokyo']);
    expect(f(120_000, 'UTC')).toBe('2@UTC'); // full: emptied, then kept
    expect(f(60_000, 'UTC')).toBe('1@UTC');
    expect(calls).toHaveLength(4);
    expect(() => f(NaN, 'UTC')).toThrow(RangeError);
    expect(() => f(NaN, 'UTC')).toThrow(RangeError);
  });
});
