// Held tickets are assigned, most urgent then oldest, as soon as an agent frees up: available again, busy
// window over, capacity freed by a resolve, a new agent, capacity raised. Every database.
import { describe, expect, it } from 'vitest';
import { addAgent, endBusyWindows, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import type { Priority } from '../../src/core/types.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, HOUR, input, MIN } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('held tickets on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;

  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock, deps } = bed));

  const agent = (handle: string, type: string, capacity = 5) =>
    addAgent(deps, admin, { handle, skills: [type], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, capacity });

  /** Files five tickets a minute apart; in serving order they are U1, U2, N1, N2, L1. */
  async function fileFive(type: string) {
    const keys: Record<string, string> = {};
    const plan: Array<[string, Priority]> = [
      ['L1', 'low'],
      ['N1', 'normal'],
      ['U1', 'urgent'],
      ['N2', 'normal'],
      ['U2', 'urgent'],
    ];
    for (const [name, priority] of plan) {
      clock.advance(MIN);
      const f = await fileTicket(deps, user(REQ), input(name, { type, priority }));
      expect(f.agent).toBeNull();
      keys[name] = f.ticket.key;
    }
    return keys;
  }

  const status = async (key: string) => (await getTicket(db.db, key))!;
  const assigneeOf = async (keys: Record<string, string>) =>
    Object.fromEntries(await Promise.all(Object.entries(keys).map(async ([n, k]) => [n, (await status(k)).assignee] as const)));

  it('when the agent is available again', async () => {
    await agent('av', 'h-avail', 2);
    await setBusy(deps, admin, { handle: 'av' }, { reason: 'lunch' });
    const k = await fileFive('h-avail');
    expect((await status(k.U1!)).holdReason).toBe('no `h-avail` agent is free: av is busy (lunch)');
    const r = await setAvailable(deps, user('UAV'), { handle: 'av' });
    expect(r.assigned).toEqual([k.U1, k.U2]);
    expect(await assigneeOf(k)).toEqual({ L1: null, N1: null, U1: 'av', N2: null, U2: 'av' });
    expect(await actionsOf(db, k.U1!)).toEqual(['filed', 'held', 'assigned']);
    expect((await auditOf(db, k.U1!)).at(-1)).toMatchObject({ actor: 'baton', fromStatus: 'intake', toStatus: 'active', data: { agent: 'av' } });
    // …and as it resolves, the rest follow in order.
    await resolveTicket(deps, user('UAV'), k.U1!, undefined);
    expect(await assigneeOf(k)).toMatchObject({ N1: 'av', N2: null, L1: null });
    await resolveTicket(deps, user('UAV'), k.U2!, undefined);
    expect(await assigneeOf(k)).toMatchObject({ N2: 'av', L1: null });
    await resolveTicket(deps, user('UAV'), k.N1!, undefined);
    expect(await assigneeOf(k)).toMatchObject({ L1: 'av' });
  });

  it('when a busy window ends', async () => {
    await agent('bw', 'h-window', 2);
    await setBusy(deps, admin, { handle: 'bw' }, { until: new Date(clock.now().getTime() + HOUR) });
    const k = await fileFive('h-window');
    expect(await endBusyWindows(deps)).toEqual([]);
    clock.advance(HOUR);
    expect(await endBusyWindows(deps)).toEqual([{ handle: 'bw', assigned: [k.U1, k.U2] }]);
    expect(await assigneeOf(k)).toEqual({ L1: null, N1: null, U1: 'bw', N2: null, U2: 'bw' });
  });

  it('when a resolve frees capacity', async () => {
    await agent('cf', 'h-cap', 2);
    const a1 = (await fileTicket(deps, user(REQ), input('A1', { type: 'h-cap' }))).ticket.key;
    const a2 = (await fileTicket(deps, user(REQ), input('A2', { type: 'h-cap' }))).ticket.key;
    const k = await fileFive('h-cap');
    expect((await status(k.L1!)).holdReason).toBe('no `h-cap` agent is free: cf is at capacity (2/2)');
    await resolveTicket(deps, user(REQ), a1, undefined);
    expect(await assigneeOf(k)).toEqual({ L1: null, N1: null, U1: 'cf', N2: null, U2: null });
    await resolveTicket(deps, user(REQ), a2, undefined);
    expect(await assigneeOf(k)).toEqual({ L1: null, N1: null, U1: 'cf', N2: null, U2: 'cf' });
  });

  it('when a new agent joins', async () => {
    const k = await fileFive('h-join');
    expect((await status(k.N1!)).holdReason).toBe('no agent takes `h-join` tickets');
    const r = await agent('nj', 'h-join', 3);
    expect(r.assigned).toEqual([k.U1, k.U2, k.N1]);
    expect(await assigneeOf(k)).toEqual({ L1: null, N1: 'nj', U1: 'nj', N2: null, U2: 'nj' });
  });

  it('when an update raises the capacity or adds the skill', async () => {
    await agent('up', 'h-up', 1);
    await fileTicket(deps, user(REQ), input('fills it', { type: 'h-up' }));
    const k = await fileFive('h-up');
    const r = await updateAgent(deps, admin, { handle: 'up', capacity: 4 });
    expect(r.assigned).toEqual([k.U1, k.U2, k.N1]);
    expect((await auditOf(db, 'agent:up')).at(-1)).toMatchObject({ action: 'agent_updated', data: { capacity: { from: 1, to: 4 } } });

    const other = await fileFive('h-up-2');
    const r2 = await updateAgent(deps, admin, { handle: 'up', skills: ['h-up', 'h-up-2'], capacity: 6 });
    // Most urgent first across both types: h-up-2's urgent tickets go before h-up's older normal N2.
    expect(r2.assigned).toEqual([other.U1, other.U2]);
    expect(await status(k.N2!)).toMatchObject({ status: 'intake' });
  });

  it('a freed agent does not take tickets pinned to someone else, nor of types it lacks', async () => {
    await agent('px', 'h-pin', 5);
    await agent('py', 'h-pin', 5);
    await setBusy(deps, admin, { handle: 'px' }, {});
    await setBusy(deps, admin, { handle: 'py' }, {});
    const forPy = (await fileTicket(deps, user(REQ), input('for py', { type: 'h-pin', assign: { handle: 'py' } }))).ticket.key;
    const anyone = (await fileTicket(deps, user(REQ), input('anyone', { type: 'h-pin' }))).ticket.key;
    const other = (await fileTicket(deps, user(REQ), input('other type', { type: 'h-none' }))).ticket.key;
    const r = await setAvailable(deps, admin, { handle: 'px' });
    expect(r.assigned).toEqual([anyone]);
    expect(await status(forPy)).toMatchObject({ status: 'intake', pinnedAgent: 'py', holdReason: 'waiting for py, who is busy' });
    expect(await status(other)).toMatchObject({ status: 'intake' });
    expect((await setAvailable(deps, admin, { handle: 'py' })).assigned).toEqual([forPy]);
  });
});
