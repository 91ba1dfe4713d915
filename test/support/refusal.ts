// The refusal a call throws, for tests that check its message and field.
import { type DomainError, isDomainError } from '../../src/core/errors.js';

/** The DomainError `fn` throws; anything else thrown is rethrown, and nothing thrown fails the test. */
export function err(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
