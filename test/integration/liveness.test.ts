// Acknowledgement timeouts and heartbeats as use cases on a real database: take-back, routing elsewhere (never back
// to an agent that did not acknowledge), unresponsive agents and being heard from again, and what each writes in the
// trails (the agent's 'unresponsive' event once, its note and cause; the 'responsive' event saying how it was heard).
import { describe, expect, it } from 'vitest';
import { acceptTicket, claimNext } from '../../src/app/ticketActions.js';
import { addAgent, rosterWithLoad, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { checkHeartbeats, heardFrom, takeBackUnacknowledged } from '../../src/app/liveness.js';
import { user } from '../../src/core/permissions.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import { agentList } from '../../src/slack/blocks/lists.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, deliverHome, expectDomainError, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('acknowledgement and heartbeat on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, o: { ackAfterSec?: number; heartbeatSec?: number } = {}) =>
    addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });
  const roster = async () => JSON.stringify(agentList(await rosterWithLoad(deps), { now: clock.now(), timeZone: 'UTC' }).blocks);

  it('when an agent with ack:2s does not accept in time, then the sweep takes the ticket back once, routes it to another agent, and the agent is unavailable until heard from', async () => {
    await add('iris', { ackAfterSec: 2 });
    await add('maya');
    const filed = await fileTicket(deps, user(REQ), input('Refund not received', { type: 'support' }));
    expect(filed.ticket.assignee).toBe('iris');
    await deliverHome(db, filed.ticket.key, '1000.0001');
    clock.advance(1999);
    expect(await takeBackUnacknowledged(deps)).toEqual([]);
    clock.advance(1);
    expect(await takeBackUnacknowledged(deps)).toEqual([filed.ticket.key]);
    expect(await takeBackUnacknowledged(deps)).toEqual([]);

    const t = (await getTicket(db.db, filed.ticket.key))!;
    expect(t.assignee).toBe('maya');
    expect(t.declinedBy).toEqual(['iris']);
    expect(await actionsOf(db, t.key)).toEqual(['filed', 'assigned', 'taken_back', 'assigned']);
    const back = (await auditOf(db, t.key)).find((e) => e.action === 'taken_back')!;
    expect(back.note).toBe(`did not acknowledge ${t.key} within 2s`);
    const iris = (await getAgent(db.db, 'iris'))!;
    expect([iris.unresponsive, iris.unresponsiveReason]).toEqual(['unacknowledged', `did not acknowledge ${t.key} within 2s`]);
    expect(await roster()).toContain(`unavailable: did not acknowledge ${t.key} within 2s`);
    expect(await roster()).toContain('ack 2s');
    // The old thread says why and where it went; its card loses its buttons; the new thread links back.
    const texts = (await outboxOf(db, t.key)).map((m) => m.text).join('\n');
    expect(texts).toContain(`Taken back from @iris: did not acknowledge ${t.key} within 2s. It is now with @maya.`);
    expect((await outboxOf(db, t.key)).some((m) => m.updatesKey?.endsWith(':card') && m.text.includes('taken back from @iris'))).toBe(true);
    expect(texts).toContain('previous thread');

    // New work goes elsewhere, and the hold reason names why when nobody else is free.
    await setAvailable(deps, admin, { handle: 'maya' });
    const next = await fileTicket(deps, user(REQ), input('Second', { type: 'support' }));
    expect(next.ticket.assignee).toBe('maya');

    // Heard from (any authenticated call): available again, held work flows to it, in the agent's trail.
    expect(await heardFrom(deps, { handle: 'iris' }, 'api')).toEqual(['iris']);
    expect(await heardFrom(deps, { handle: 'iris' }, 'api')).toEqual([]);
    expect((await getAgent(db.db, 'iris'))!.unresponsive).toBeNull();
    expect(await actionsOf(db, 'agent:iris')).toEqual(['agent_added', 'unresponsive', 'responsive']);
    const third = await fileTicket(deps, user(REQ), input('Third', { type: 'support' }));
    expect(third.ticket.assignee).toBe('iris');
  });

  it('when the assignee accepts in time, or the agent has no ack:, then nothing is taken back', async () => {
    await add('iris', { ackAfterSec: 60 });
    await add('maya');
    const a = await fileTicket(deps, user(REQ), input('Accepted', { type: 'support' }));
    const b = await fileTicket(deps, user(REQ), input('No ack on maya', { type: 'support' }));
    expect([a.ticket.assignee, b.ticket.assignee]).toEqual(['iris', 'maya']);
    await acceptTicket(deps, user('UIRIS'), a.ticket.key);
    clock.advance(3_600_000);
    expect(await takeBackUnacknowledged(deps)).toEqual([]);
  });

  it('when an agent with ack: pulls a ticket with next, then it is accepted by that pull and never taken back for want of an acknowledgement', async () => {
    await add('iris', { ackAfterSec: 60 });
    // Busy for an hour while it is filed; the window ends, and the sweep that would assign held work has not run.
    await setBusy(deps, admin, { handle: 'iris' }, { until: new Date(clock.now().getTime() + 3_600_000) });
    const held = await fileTicket(deps, user(REQ), input('Pulled, not pushed', { type: 'support' }));
    expect(held.agent).toBeNull();
    clock.advance(3_600_000);
    const claimed = (await claimNext(deps, user('UIRIS'), { handle: 'iris' })).ticket!;
    expect(claimed.key).toBe(held.ticket.key);
    const now = (await getTicket(db.db, held.ticket.key))!;
    expect(now.assignee).toBe('iris');
    expect(now.acceptedBy).not.toBeNull();
    clock.advance(3_600_000);
    expect(await takeBackUnacknowledged(deps)).toEqual([]);
  });

  it('when ack: is set on an agent with tickets waiting, then they are timed from when it was set, not from their assignment', async () => {
    await add('iris');
    await add('maya');
    const waiting = await fileTicket(deps, user(REQ), input('Waiting since yesterday', { type: 'support' }));
    expect(waiting.ticket.assignee).toBe('iris');
    clock.advance(86_400_000);
    await updateAgent(deps, admin, { handle: 'iris', ackAfterSec: 60 });
    clock.advance(59_000);
    expect(await takeBackUnacknowledged(deps)).toEqual([]);
    clock.advance(1_000);
    expect(await takeBackUnacknowledged(deps)).toEqual([waiting.ticket.key]);
  });

  it('when the only agent does not acknowledge, then the ticket waits in intake saying why, never back to it', async () => {
    await add('iris', { ackAfterSec: 120 });
    const filed = await fileTicket(deps, user(REQ), input('Lonely', { type: 'support' }));
    clock.advance(120_000);
    await takeBackUnacknowledged(deps);
    const t = (await getTicket(db.db, filed.ticket.key))!;
    expect([t.status, t.holdReason]).toEqual(['intake', 'no `support` agent other than iris']);
    await heardFrom(deps, { user: 'UIRIS' }, 'slack');
    expect((await getTicket(db.db, filed.ticket.key))!.status).toBe('intake');
  });

  it('when an agent with heartbeat:1m is silent for one period, then it gets no new work; after two, its active ticket is taken back and routed with its packet', async () => {
    await add('iris');
    await add('tess');
    const parent = await fileTicket(deps, user(REQ), input('Customer cannot log in', { type: 'support' }));
    expect(parent.ticket.assignee).toBe('iris');
    await add('maya', { heartbeatSec: 60 });
    const packet = { summary: 'Password reset loops; tried clearing cookies', open_questions: ['Which browser?'] };
    const child = await handoffTicket(deps, user('UIRIS'), parent.ticket.key, { handle: 'maya' }, undefined, { packet });
    const childKey = child.child.key;
    expect((await getTicket(db.db, childKey))!.assignee).toBe('maya');

    clock.advance(30_000);
    await heardFrom(deps, { user: 'UMAYA' }, 'slack'); // heard at 09:00:30: the clock starts again
    clock.advance(60_000);
    expect(await checkHeartbeats(deps)).toEqual({ silent: ['maya'], takenBack: [] });
    expect(await checkHeartbeats(deps)).toEqual({ silent: [], takenBack: [] });
    expect((await getAgent(db.db, 'maya'))!.unresponsiveReason).toBe('silent since 09:00 UTC');
    expect(await roster()).toContain('unavailable: silent since 09:00 UTC');

    clock.advance(60_000);
    const r = await checkHeartbeats(deps);
    expect(r.takenBack).toEqual([childKey]);
    expect((await checkHeartbeats(deps)).takenBack).toEqual([]);
    const moved = (await getTicket(db.db, childKey))!;
    expect(moved.assignee).toBe('tess');
    expect(moved.packet).toEqual(packet);
    expect(moved.declinedBy).toEqual([]);
    const back = (await auditOf(db, childKey)).find((e) => e.action === 'taken_back')!;
    expect(back.note).toBe('maya went silent');
    const texts = (await outboxOf(db, childKey)).map((m) => m.text).join('\n');
    expect(texts).toContain('Handoff packet: Password reset loops; tried clearing cookies');

    // Heard from again: available at once.
    await heardFrom(deps, { handle: 'maya' }, 'mcp');
    expect((await getAgent(db.db, 'maya'))!.unresponsive).toBeNull();
    expect(await actionsOf(db, 'agent:maya')).toEqual(['agent_added', 'unresponsive', 'responsive']);
  });

  it('when an admin makes a silent agent available, then its silence clock starts again; heartbeat:none ends it', async () => {
    await add('maya', { heartbeatSec: 60 });
    clock.advance(61_000);
    await checkHeartbeats(deps);
    await setAvailable(deps, admin, { handle: 'maya' });
    expect((await getAgent(db.db, 'maya'))!.unresponsive).toBeNull();
    expect((await checkHeartbeats(deps)).silent).toEqual([]);
    clock.advance(61_000);
    expect((await checkHeartbeats(deps)).silent).toEqual(['maya']);
    await updateAgent(deps, admin, { handle: 'maya', heartbeatSec: null });
    const maya = (await getAgent(db.db, 'maya'))!;
    expect([maya.unresponsive, maya.heartbeatSec]).toEqual([null, null]);
  });

  it('bad values are refused with the option named and change nothing', async () => {
    await add('iris');
    await expectDomainError(updateAgent(deps, admin, { handle: 'iris', ackAfterSec: 0 }), 'invalid_input', '`ack:` takes a duration from `1s` to `7d`, or `none`; got `0` seconds.', 'ack');
    await expectDomainError(updateAgent(deps, admin, { handle: 'iris', heartbeatSec: 8 * 86400 }), 'invalid_input', /^`heartbeat:` takes a duration from `1s` to `7d`/, 'heartbeat');
    await expectDomainError(updateAgent(deps, user('UIRIS'), { handle: 'iris', ackAfterSec: 60 }), 'not_allowed', /admins/);
    const iris = (await getAgent(db.db, 'iris'))!;
    expect([iris.ackAfterSec, iris.heartbeatSec]).toEqual([null, null]);
  });

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
