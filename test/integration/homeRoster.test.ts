// A roster change (an agent made busy) republishes every admin's Home that was opened — their Team shows the
// roster — even when no ticket and none of the admin's own agents changed.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { HOME_DESTINATION, openHome } from '../../src/app/home.js';
import { user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox } from '../support/inspect.js';

const admin = user(ADMIN);

describe.each(['pglite'] as const)('Home refreshes on a roster change, on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const homesOf = async (who: string) => (await allOutbox(db)).filter((m) => m.destination === HOME_DESTINATION && m.target === who).map((m) => m.idempotencyKey);

  it('when an admin opened the Home and an agent is made busy, then the admin’s Home is published again at the end of the window', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    clock.set('2026-03-02T09:00:00.500Z');
    await openHome(deps, ADMIN);
    clock.set('2026-03-02T09:00:10.000Z');
    expect(await homesOf(ADMIN)).toHaveLength(1);

    await setBusy(deps, user('UIRIS'), { handle: 'iris' }, { reason: 'dentist' });
    const due = new Date('2026-03-02T09:00:12.000Z').getTime();
    expect(await homesOf(ADMIN)).toContain(`home:${ADMIN}:${due}`);
  });
});
