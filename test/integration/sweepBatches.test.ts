// A sweep works in batches (inBatches): it claims `batch` items per transaction and goes on while it finds a
// full batch, at most `maxBatches` times; the rest waits for the next sweep. Shown with the acknowledgement sweep.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { takeBackUnacknowledged } from '../../src/app/liveness.js';
import { user } from '../../src/core/permissions.js';
import { DB_KINDS } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('sweeps in batches on %s', (kind) => {
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ clock, deps } = bed));

  const fiveUnacknowledged = async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS', ackAfterSec: 2, capacity: 10 });
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await fileTicket(deps, user(REQ), input(`Ticket ${i}`, { type: 'support' }))).ticket.key);
    await addAgent(deps, admin, { handle: 'maya', skills: ['support'], channel: 'CMAYA', user: 'UMAYA', capacity: 10 });
    clock.advance(2000);
    return keys;
  };

  it('when more items are due than batch × maxBatches, then one sweep takes exactly that many and the next sweep the rest', async () => {
    const keys = await fiveUnacknowledged();
    const first = await takeBackUnacknowledged(deps, { batch: 2, maxBatches: 2 });
    expect(first).toHaveLength(4);
    const second = await takeBackUnacknowledged(deps, { batch: 2, maxBatches: 2 });
    expect(second).toHaveLength(1);
    expect([...first, ...second].sort()).toEqual([...keys].sort());
  });

  it('when a batch comes back short, then the sweep stops there; with batches of one, maxBatches bounds it', async () => {
    const keys = await fiveUnacknowledged();
    expect(await takeBackUnacknowledged(deps, { batch: 1, maxBatches: 3 })).toHaveLength(3);
    expect((await takeBackUnacknowledged(deps, { batch: 3 })).sort()).toEqual(keys.slice(3).sort());
    expect(await takeBackUnacknowledged(deps, { batch: 3 })).toEqual([]);
  });
});
