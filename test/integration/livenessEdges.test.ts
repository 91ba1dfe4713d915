// The agent's trail of liveness says what happened and why: marked unresponsive once (with the ticket or the
// silence that caused it), heard from again (in Slack, via the API or MCP, and what it was); a take-back records
// its cause.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { checkHeartbeats, heardFrom, takeBackUnacknowledged } from '../../src/app/liveness.js';
import { user } from '../../src/core/permissions.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, type makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = user('UREQ0001');

describe.each(DB_KINDS)('the liveness trail on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, o: { ackAfterSec?: number; heartbeatSec?: number; capacity?: number } = {}) =>
    addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });
  const agentTrail = async (handle: string) => (await auditOf(db, `agent:${handle}`)).map((e) => ({ action: e.action, actor: e.actor, note: e.note, data: e.data }));

  it('when an agent leaves two tickets unacknowledged, then it is marked unresponsive once, for the first, and both are taken back with their cause', async () => {
    await add('iris', { ackAfterSec: 60, capacity: 5 });
    const a = await fileTicket(deps, REQ, input('First', { type: 'support' }));
    const b = await fileTicket(deps, REQ, input('Second', { type: 'support' }));
    expect([a.ticket.assignee, b.ticket.assignee]).toEqual(['iris', 'iris']);
    await add('maya', { capacity: 5 });
    clock.advance(60_000);
    expect(await takeBackUnacknowledged(deps)).toEqual([a.ticket.key, b.ticket.key]);

    const trail = await agentTrail('iris');
    expect(trail.map((e) => e.action)).toEqual(['agent_added', 'unresponsive']);
    expect(trail[1]).toEqual({ action: 'unresponsive', actor: 'baton', note: `did not acknowledge ${a.ticket.key} within 1m`, data: { ticket: a.ticket.key } });
    expect((await getAgent(db.db, 'iris'))!.unresponsiveReason).toBe(`did not acknowledge ${a.ticket.key} within 1m`);
    for (const key of [a.ticket.key, b.ticket.key]) {
      const back = (await auditOf(db, key)).find((e) => e.action === 'taken_back')!;
      expect(back.note).toBe(`did not acknowledge ${key} within 1m`);
      expect(back.data).toMatchObject({ from: 'iris', cause: 'unacknowledged' });
      const t = (await getTicket(db.db, key))!;
      expect([t.assignee, t.declinedBy]).toEqual(['maya', ['iris']]);
    }
  });

  it('when an unresponsive agent is heard from, then its trail says how and what it was; in Slack, via the API and via MCP', async () => {
    await add('iris', { heartbeatSec: 60 });
    clock.advance(60_000);
    expect((await checkHeartbeats(deps)).silent).toEqual(['iris']);
    expect(await heardFrom(deps, { user: 'UIRIS' }, 'slack')).toEqual(['iris']);
    clock.advance(60_000);
    expect((await checkHeartbeats(deps)).silent).toEqual(['iris']);
    expect(await heardFrom(deps, { handle: 'iris' }, 'api')).toEqual(['iris']);
    clock.advance(60_000);
    expect((await checkHeartbeats(deps)).silent).toEqual(['iris']);
    expect(await heardFrom(deps, { handle: 'iris' }, 'mcp')).toEqual(['iris']);

    expect(await agentTrail('iris')).toEqual([
      { action: 'agent_added', actor: expect.any(String), note: null, data: expect.anything() },
      { action: 'unresponsive', actor: 'baton', note: 'silent since 09:00 UTC', data: {} },
      { action: 'responsive', actor: 'agent:iris', note: 'heard from again (in Slack)', data: { was: 'silent since 09:00 UTC' } },
      { action: 'unresponsive', actor: 'baton', note: 'silent since 09:01 UTC', data: {} },
      { action: 'responsive', actor: 'agent:iris', note: 'heard from again (via api)', data: { was: 'silent since 09:01 UTC' } },
      { action: 'unresponsive', actor: 'baton', note: 'silent since 09:02 UTC', data: {} },
      { action: 'responsive', actor: 'agent:iris', note: 'heard from again (via mcp)', data: { was: 'silent since 09:02 UTC' } },
    ]);
  });
});
