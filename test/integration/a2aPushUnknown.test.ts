// A push notification naming a well-formed task id that Baton never gave out is not trusted, and does not fail.
import { describe, expect, it } from 'vitest';
import { taskOfPush } from '../../src/app/a2aFollow.js';
import { DB_KINDS } from '../support/db.js';
import { makeDeps, useCaseBed } from '../support/deps.js';

describe.each(DB_KINDS)('a push for an unknown A2A task on %s', (kind) => {
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ deps } = bed));

  it('when the id is well formed but names no task, then the push is not trusted (null), whatever the token', async () => {
    await expect(taskOfPush(deps, 'a2a-0000-no-such-task', 'tok-123')).resolves.toBeNull();
    await expect(taskOfPush(deps, 'x'.repeat(64), 'tok-123')).resolves.toBeNull();
  });
});
