// A stored webhook secret in neither known form (`plain:` nor `gcm:`) is refused as such, whether or not a key is set.
import { describe, expect, it } from 'vitest';
import { openSecret } from '../../src/app/webhookSecret.js';

describe('opening a stored webhook secret of an unknown form', () => {
  it.each([
    ['with a key configured', 'k'.repeat(32)],
    ['without a key', null],
  ])('when it is neither plain: nor gcm: (%s), then it is refused as an unknown format', (_name, key) => {
    expect(() => openSecret('aes:AAAA.BBBB.CCCC', key)).toThrow(new Error('unknown sealed secret format'));
  });
});
