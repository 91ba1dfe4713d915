// What the liveness sweeps and being heard from write in the trails: the agent's 'unresponsive' event (once,
// however many tickets it left unacknowledged; its note and the ticket that caused it), the tickets'
// 'taken_back' cause, and the 'responsive' event saying how the agent was heard from again.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { checkHeartbeats, heardFrom, takeBackUnacknowledged } from '../../src/app/liveness.js';
import { user } from '../../src/core/permissions.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('liveness in the trail on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, o: { ackAfterSec?: number; heartbeatSec?: number } = {}) =>
    addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });
  const agentTrail = async (handle: string) => (await auditOf(db, `agent:${handle}`)).filter((e) => e.action !== 'agent_added');

  it('when an agent leaves two tickets unacknowledged, then it is marked unresponsive once, for the first, and both are taken back as unacknowledged', async () => {
    await add('iris', { ackAfterSec: 2 });
    const first = await fileTicket(deps, user(REQ), input('First', { type: 'support' }));
    clock.advance(1);
    const second = await fileTicket(deps, user(REQ), input('Second', { type: 'support' }));
    expect([first.ticket.assignee, second.ticket.assignee]).toEqual(['iris', 'iris']);
    await add('maya');
    clock.advance(2000);

    expect((await takeBackUnacknowledged(deps)).sort()).toEqual([first.ticket.key, second.ticket.key].sort());
    const marked = await agentTrail('iris');
    expect(marked).toMatchObject([{ action: 'unresponsive', actor: 'baton', note: `did not acknowledge ${first.ticket.key} within 2s`, data: { ticket: first.ticket.key } }]);
    for (const key of [first.ticket.key, second.ticket.key]) {
      const back = (await auditOf(db, key)).find((e) => e.action === 'taken_back')!;
      expect(back.data).toMatchObject({ from: 'iris', cause: 'unacknowledged' });
    }
  });

  it('when an agent is heard from again, then the responsive event says how (via the API, via MCP, in Slack) and what it was', async () => {
    await add('iris', { ackAfterSec: 2 });
    await add('maya', { heartbeatSec: 60 });
    await add('tess', { ackAfterSec: 2 });
    const f = await fileTicket(deps, user(REQ), input('First', { type: 'support' }));
    const g = await fileTicket(deps, user(REQ), input('Second', { type: 'support' }));
    const h = await fileTicket(deps, user(REQ), input('Third', { type: 'support' }));
    expect([f.ticket.assignee, g.ticket.assignee, h.ticket.assignee].sort()).toEqual(['iris', 'maya', 'tess']);
    clock.advance(61_000);
    await takeBackUnacknowledged(deps);
    expect((await checkHeartbeats(deps)).silent).toEqual(['maya']);
    expect((await agentTrail('maya')).at(-1)).toMatchObject({ action: 'unresponsive', actor: 'baton', note: 'silent since 09:00 UTC' });

    expect(await heardFrom(deps, { handle: 'iris' }, 'api')).toEqual(['iris']);
    expect(await heardFrom(deps, { handle: 'maya' }, 'mcp')).toEqual(['maya']);
    expect(await heardFrom(deps, { user: 'UTESS' }, 'slack')).toEqual(['tess']);
    expect((await agentTrail('iris')).at(-1)).toMatchObject({ action: 'responsive', actor: 'agent:iris', note: 'heard from again (via api)', data: { was: expect.stringContaining('did not acknowledge') } });
    expect((await agentTrail('maya')).at(-1)).toMatchObject({ action: 'responsive', actor: 'agent:maya', note: 'heard from again (via mcp)', data: { was: 'silent since 09:00 UTC' } });
    expect((await agentTrail('tess')).at(-1)).toMatchObject({ action: 'responsive', actor: 'agent:tess', note: 'heard from again (in Slack)' });
  });
});
