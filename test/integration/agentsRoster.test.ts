// The roster's use cases (src/app/agents.ts) on every database: what add, update, remove, busy and available
// store, keep in the agent's trail and say back (warnings and refusals word for word), the A2A card read and its
// refusals, due times moved with working hours, and the sweeps that end busy windows.
import { describe, expect, it } from 'vitest';
import { addAgent, agentExists, endBusyWindows, removeAgent, rosterWithLoad, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { A2aCallError, type A2aPort } from '../../src/app/a2aPort.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import type { A2aLink } from '../../src/core/types.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

const card = (url: string): A2aLink => ({ url, name: 'Helper', skills: ['support'] }) as unknown as A2aLink;

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('the roster use cases on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, o: Partial<Parameters<typeof addAgent>[2]> = {}) =>
    addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });

  it('add stores the defaults, keeps its options in the agent trail, and a duplicate handle or user is refused, changing nothing', async () => {
    clock.set('2026-03-02T10:00:00Z');
    const r = await addAgent(deps, admin, { handle: 'iris', skills: ['support', 'billing', 'support'], channel: 'CIRIS' });
    expect(r.agent).toMatchObject({
      handle: 'iris',
      skills: ['support', 'billing'],
      channel: 'CIRIS',
      user: null,
      capacity: 5,
      escalatesTo: null,
      busy: false,
      ackAfterSec: null,
      ackSince: null,
      heartbeatSec: null,
      heartbeatSince: null,
      hours: null,
      timeZone: 'UTC',
    });
    expect(r.warnings).toEqual([]);
    expect(r.assigned).toEqual([]);
    const stored = (await getAgent(db.db, 'iris'))!;
    expect(stored).toMatchObject({ skills: ['support', 'billing'], capacity: 5, user: null, timeZone: 'UTC', createdAt: clock.now() });
    const [added] = await auditOf(db, 'agent:iris');
    expect(added).toMatchObject({
      actor: ADMIN,
      action: 'agent_added',
      data: { skills: ['support', 'billing'], channel: 'CIRIS', user: null, capacity: 5, escalatesTo: null, ackAfterSec: null, heartbeatSec: null, hours: null, timeZone: 'UTC' },
    });

    const m = await add('maya', { capacity: 2, ackAfterSec: 60, heartbeatSec: 300, hours: 'mon-fri 9:00-17:00', timeZone: 'Europe/Paris' });
    expect(m.agent).toMatchObject({ user: 'UMAYA', capacity: 2, ackAfterSec: 60, ackSince: clock.now(), heartbeatSec: 300, heartbeatSince: clock.now(), hours: 'Mon-Fri 09:00-17:00', timeZone: 'Europe/Paris' });
    expect((await auditOf(db, 'agent:maya'))[0]!.data).toMatchObject({ user: 'UMAYA', capacity: 2, ackAfterSec: 60, heartbeatSec: 300, hours: 'Mon-Fri 09:00-17:00', timeZone: 'Europe/Paris' });

    const before = await snapshot(db);
    await expectDomainError(add('iris'), 'agent_exists', 'There is already an agent `iris`; use `/agent update` to change it.', 'handle');
    await expectDomainError(add('felix', { user: 'UMAYA' }), 'conflict', '<@UMAYA> is already the user of agent maya.', 'user');
    await expectDomainError(updateAgent(deps, admin, { handle: 'iris', user: 'UMAYA' }), 'conflict', '<@UMAYA> is already the user of agent maya.', 'user');
    await expectDomainError(addAgent(deps, user('UNOBODY'), { handle: 'zed', skills: ['support'], channel: 'CZED' }), 'not_allowed', /./);
    expect(await snapshot(db)).toEqual(before);
    // Its own user again is no conflict.
    await updateAgent(deps, admin, { handle: 'maya', user: 'UMAYA', capacity: 3 });
    expect(await agentExists(deps, 'maya')).toBe(true);
    expect(await agentExists(deps, 'nobody')).toBe(false);
  });

  it('escalates-to: itself is refused by handle or by its user; a user that is no agent is refused; a user names its agent; one waiting agent or several are named', async () => {
    await add('felix');
    const before = await snapshot(db);
    await expectDomainError(add('iris', { escalatesTo: { handle: 'iris' } }), 'invalid_input', "iris can't escalate to itself.", 'escalates-to');
    await expectDomainError(add('iris', { escalatesTo: { user: 'UIRIS' } }), 'invalid_input', "iris can't escalate to itself.", 'escalates-to');
    await expectDomainError(updateAgent(deps, admin, { handle: 'felix', escalatesTo: { user: 'UFELIX' } }), 'invalid_input', "felix can't escalate to itself.", 'escalates-to');
    // A user whose agent is itself, named when its user changes in the same update.
    await expectDomainError(updateAgent(deps, admin, { handle: 'felix', user: 'UNEW', escalatesTo: { user: 'UNEW' } }), 'invalid_input', "felix can't escalate to itself.", 'escalates-to');
    await expectDomainError(
      add('iris', { escalatesTo: { user: 'UNOBODY' } }),
      'unknown_agent',
      '`escalates-to:` <@UNOBODY> is not the user of any agent. Name the agent by its handle, e.g. `escalates-to:felix` (it may be one not added yet).',
      'escalates-to',
    );
    expect(await snapshot(db)).toEqual(before);

    const byUser = await add('iris', { escalatesTo: { user: 'UFELIX' } });
    expect(byUser.agent.escalatesTo).toBe('felix');
    expect(byUser.warnings).toEqual([]);
    // An agent without a user never matches a missing user.
    const noUser = await addAgent(deps, admin, { handle: 'bot', skills: ['support'], channel: 'CBOT', escalatesTo: { handle: 'felix' } });
    expect(noUser.agent.escalatesTo).toBe('felix');

    await add('maya', { escalatesTo: { handle: 'omar' } });
    await add('lena', { escalatesTo: { handle: 'omar' } });
    await add('kai', { escalatesTo: { handle: 'omar' } });
    expect((await add('omar')).warnings).toEqual(['kai, lena and maya escalate to omar again.']);
    await add('ana', { escalatesTo: { handle: 'zoe' } });
    expect((await add('zoe')).warnings).toEqual(['ana escalates to zoe again.']);
  });

  it('did you mean: the closest handle at most two edits away, alphabetical among equals, never the agent itself; none beyond two edits', async () => {
    await add('mara');
    await add('maya');
    await add('felix');
    // "mayx" is one edit from maya, two from mara.
    expect((await add('iris', { escalatesTo: { handle: 'mayx' } })).warnings).toEqual([
      '`escalates-to:mayx`: mayx is not on the roster yet; escalations skip it until it is added. Did you mean maya?',
    ]);
    // "mab": two edits from both mara and maya: the first alphabetically.
    expect((await add('ivan', { escalatesTo: { handle: 'mab' } })).warnings[0]).toBe(
      '`escalates-to:mab`: mab is not on the roster yet; escalations skip it until it is added. Did you mean mara?',
    );
    // Three edits away: no suggestion.
    expect((await add('jon', { escalatesTo: { handle: 'zzzix' } })).warnings[0]).toBe(
      '`escalates-to:zzzix`: zzzix is not on the roster yet; escalations skip it until it is added.',
    );
    // The agent being updated is never suggested for itself.
    expect((await updateAgent(deps, admin, { handle: 'felix', escalatesTo: { handle: 'felia' } })).warnings[0]).toBe(
      '`escalates-to:felia`: felia is not on the roster yet; escalations skip it until it is added.',
    );
    // A longer typo: insertions and deletions both count.
    expect((await updateAgent(deps, admin, { handle: 'iris', escalatesTo: { handle: 'felixxx' } })).warnings[0]).toContain('Did you mean felix?');
    expect((await updateAgent(deps, admin, { handle: 'iris', escalatesTo: { handle: 'fex' } })).warnings[0]).toContain('Did you mean felix?');
  });

  it('update records only what changed, from and to, and clears with null; escalates-to none clears the link', async () => {
    clock.set('2026-03-02T10:00:00Z');
    await add('felix');
    await add('iris', { escalatesTo: { handle: 'felix' }, ackAfterSec: 60, heartbeatSec: 600 });
    clock.advance(MIN);
    const r = await updateAgent(deps, admin, { handle: 'iris', skills: ['billing', 'billing'], channel: 'CNEW', capacity: 9, ackAfterSec: 120 });
    expect(r.agent).toMatchObject({ skills: ['billing'], channel: 'CNEW', capacity: 9, ackAfterSec: 120, ackSince: clock.now(), escalatesTo: 'felix', user: 'UIRIS', heartbeatSec: 600 });
    const updated = (await auditOf(db, 'agent:iris')).at(-1)!;
    expect(updated).toMatchObject({ actor: ADMIN, action: 'agent_updated' });
    expect(updated.data).toEqual({
      skills: { from: ['support'], to: ['billing'] },
      channel: { from: 'CIRIS', to: 'CNEW' },
      capacity: { from: 5, to: 9 },
      ackAfterSec: { from: 60, to: 120 },
    });
    clock.advance(MIN);
    const c = await updateAgent(deps, admin, { handle: 'iris', user: null, escalatesTo: null, ackAfterSec: null, heartbeatSec: null, timeZone: 'Asia/Tokyo', hours: 'mon-fri 9:00-17:00' });
    expect(c.agent).toMatchObject({ user: null, escalatesTo: null, ackAfterSec: null, ackSince: null, heartbeatSec: null, heartbeatSince: null, timeZone: 'Asia/Tokyo', hours: 'Mon-Fri 09:00-17:00' });
    expect((await auditOf(db, 'agent:iris')).at(-1)!.data).toEqual({
      user: { from: 'UIRIS', to: null },
      escalatesTo: { from: 'felix', to: null },
      ackAfterSec: { from: 120, to: null },
      heartbeatSec: { from: 600, to: null },
      hours: { from: null, to: 'Mon-Fri 09:00-17:00' },
      timeZone: { from: 'UTC', to: 'Asia/Tokyo' },
    });
    expect(await getAgent(db.db, 'iris')).toMatchObject({ user: null, escalatesTo: null, channel: 'CNEW', capacity: 9, timeZone: 'Asia/Tokyo' });
    // The same values again: nothing changed, and the trail says so with no field.
    await updateAgent(deps, admin, { handle: 'iris', capacity: 9 });
    expect((await auditOf(db, 'agent:iris')).at(-1)!.data).toEqual({});
    await expectDomainError(updateAgent(deps, admin, { handle: 'ghost', capacity: 2 }), 'unknown_agent', /ghost/);
  });

  it('capacity: no warning at or under the active load; a webhook removed when there is none says so; a webhook set returns its secret once, removed says so', async () => {
    await add('iris', { capacity: 5 });
    for (let i = 0; i < 2; i++) await fileTicket(deps, user(REQ), input(`t${i}`, { type: 'support' }));
    expect((await updateAgent(deps, admin, { handle: 'iris', capacity: 2 })).warnings).toEqual([]);
    expect((await updateAgent(deps, admin, { handle: 'iris', capacity: 1 })).warnings).toEqual([
      'iris has 2 active tickets, more than its new capacity of 1: they stay with it, and new work waits until it is under capacity.',
    ]);

    const none = await updateAgent(deps, admin, { handle: 'iris', webhook: null });
    expect(none.warnings).toEqual(['iris has no webhook; nothing to remove.']);
    expect(none.webhookRemoved).toBeUndefined();
    expect(none.webhookSecret).toBeUndefined();

    const set = await updateAgent(deps, admin, { handle: 'iris', webhook: 'https://hooks.example.com/iris' });
    expect(set.webhookSecret).toMatch(/.{16,}/);
    expect(set.webhookRemoved).toBeUndefined();
    expect(set.warnings).toEqual([]);
    expect((await auditOf(db, 'agent:iris')).at(-1)!.data).toEqual({ webhook: { from: null, to: 'https://hooks.example.com/iris' } });
    expect(JSON.stringify(await auditOf(db, 'agent:iris'))).not.toContain(set.webhookSecret!);
    const roster = await rosterWithLoad(deps);
    expect(roster.find((a) => a.handle === 'iris')).toMatchObject({ active: 2, webhook: { url: 'https://hooks.example.com/iris', failing: null } });
    expect(roster.find((a) => a.handle === 'iris')!.a2aFailing).toBeUndefined();

    const removed = await updateAgent(deps, admin, { handle: 'iris', webhook: null });
    expect(removed.webhookRemoved).toBe(true);
    expect(removed.webhookSecret).toBeUndefined();
    expect(removed.warnings).toEqual([]);
    expect((await auditOf(db, 'agent:iris')).at(-1)!.data).toEqual({ webhook: { from: 'https://hooks.example.com/iris', to: null } });
    expect((await rosterWithLoad(deps)).find((a) => a.handle === 'iris')!.webhook).toBeUndefined();
  });

  it('a2a: the card is read and stored with the URL in the trail; a Baton without A2A, or a card that cannot be read, is refused saying why, changing nothing', async () => {
    await add('helper');
    const before = await snapshot(db);
    await expectDomainError(updateAgent(deps, admin, { handle: 'helper', a2a: 'https://agent.example.com' }), 'invalid_input', 'This Baton cannot talk to A2A agents.', 'a2a');
    const read: string[] = [];
    const failing: A2aPort = {
      async readCard(url) {
        read.push(url);
        if (url.includes('boom')) throw new Error('socket hang up');
        throw new A2aCallError('the card at /.well-known/agent-card.json is not JSON', false);
      },
      send: async () => {
        throw new Error('not used');
      },
      getTask: async () => {
        throw new Error('not used');
      },
    };
    const withA2a = { ...deps, a2a: failing };
    await expectDomainError(
      updateAgent(withA2a, admin, { handle: 'helper', a2a: 'https://agent.example.com' }),
      'invalid_input',
      "Can't connect helper to `https://agent.example.com`: the card at /.well-known/agent-card.json is not JSON. Nothing changed.",
      'a2a',
    );
    await expectDomainError(updateAgent(withA2a, admin, { handle: 'helper', a2a: 'https://boom.example.com' }), 'invalid_input', "Can't connect helper to `https://boom.example.com`: Error: socket hang up. Nothing changed.", 'a2a');
    const long = `https://x.example.com/${'a'.repeat(300)}`;
    const e = await expectDomainError(updateAgent(withA2a, admin, { handle: 'helper', a2a: long }), 'invalid_input', /^Can't connect helper to `/);
    expect(e.message).toContain(`\`${long.slice(0, 200)}\``);
    expect(e.message).not.toContain(long.slice(0, 201));
    expect(read).toEqual(['https://agent.example.com', 'https://boom.example.com', long]);
    expect(await snapshot(db)).toEqual(before);

    const ok: A2aPort = { ...failing, readCard: async (url) => card(url) };
    const r = await updateAgent({ ...deps, a2a: ok }, admin, { handle: 'helper', a2a: 'https://agent.example.com' });
    expect(r.agent.a2a).toMatchObject({ url: 'https://agent.example.com', name: 'Helper' });
    expect((await getAgent(db.db, 'helper'))!.a2a).toMatchObject({ url: 'https://agent.example.com' });
    expect((await auditOf(db, 'agent:helper')).at(-1)!.data).toEqual({ a2a: { from: null, to: { url: 'https://agent.example.com', name: 'Helper', skills: ['support'] } } });
    const cleared = await updateAgent({ ...deps, a2a: ok }, admin, { handle: 'helper', a2a: null });
    expect(cleared.agent.a2a).toBeNull();
    expect((await auditOf(db, 'agent:helper')).at(-1)!.data).toEqual({ a2a: { from: 'https://agent.example.com', to: null } });
    expect((await rosterWithLoad(deps)).find((a) => a.handle === 'helper')!.a2aFailing).toBeUndefined();
  });

  it('new working hours move the due times of its active tickets to keep the working time they had left; other fields leave them be', async () => {
    clock.set('2026-03-02T10:00:00Z'); // Monday
    await add('iris');
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support', escalateAfterSec: 2 * 3600 }));
    expect(f.ticket.escalateDueAt).toEqual(new Date('2026-03-02T12:00:00Z'));
    await updateAgent(deps, admin, { handle: 'iris', capacity: 7 });
    expect((await getTicket(db.db, f.ticket.key))!.escalateDueAt).toEqual(new Date('2026-03-02T12:00:00Z'));
    // From 10:00 with 2 working hours left, in hours ending at 11:00: one today, one tomorrow from 09:00.
    await updateAgent(deps, admin, { handle: 'iris', hours: 'mon-fri 9:00-11:00' });
    expect((await getTicket(db.db, f.ticket.key))!.escalateDueAt).toEqual(new Date('2026-03-03T10:00:00Z'));
    // The zone alone moves them too.
    await updateAgent(deps, admin, { handle: 'iris', timeZone: 'Europe/London' });
    expect((await getTicket(db.db, f.ticket.key))!.escalateDueAt).toEqual(new Date('2026-03-03T10:00:00Z'));
    await updateAgent(deps, admin, { handle: 'iris', timeZone: 'Asia/Tokyo' });
    expect((await getTicket(db.db, f.ticket.key))!.escalateDueAt).not.toEqual(new Date('2026-03-03T10:00:00Z'));
  });

  it('busy: the reason is trimmed (blank keeps none), the trail keeps it and the end; available ends it once and releases held work; only its agent or an admin may', async () => {
    clock.set('2026-03-02T10:00:00Z');
    await add('iris');
    const until = new Date('2026-03-02T12:00:00Z');
    const b = await setBusy(deps, user('UIRIS'), { handle: 'iris' }, { until, reason: '  lunch  ' });
    expect(b.agent).toMatchObject({ busy: true, busyUntil: until, busyReason: 'lunch' });
    expect(await getAgent(db.db, 'iris')).toMatchObject({ busy: true, busyUntil: until, busyReason: 'lunch' });
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'UIRIS', action: 'busy', note: 'lunch', data: { until: until.toISOString() } });
    const blank = await setBusy(deps, admin, { handle: 'iris' }, { reason: '   ' });
    expect(blank.agent).toMatchObject({ busy: true, busyUntil: null, busyReason: null });
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: ADMIN, note: null, data: { until: null } });
    await expectDomainError(setBusy(deps, user('USTRANGER'), { handle: 'iris' }, {}), 'not_allowed', /./);
    await expectDomainError(setBusy(deps, admin, { handle: 'iris' }, { reason: 'r'.repeat(10_000) }), 'invalid_input', /reason/i, 'reason');

    const held = await fileTicket(deps, user(REQ), input('Waits while busy', { type: 'support' }));
    expect(held.agent).toBeNull();
    const a = await setAvailable(deps, user('UIRIS'), { handle: 'iris' });
    expect(a).toMatchObject({ wasBusy: true, assigned: [held.ticket.key] });
    expect(a.agent).toMatchObject({ busy: false, busyUntil: null, busyReason: null });
    expect(await getAgent(db.db, 'iris')).toMatchObject({ busy: false, busyUntil: null, busyReason: null });
    expect((await getTicket(db.db, held.ticket.key))!.assignee).toBe('iris');
    // Available again when already available: nothing in the trail.
    const again = await setAvailable(deps, admin, { handle: 'iris' });
    expect(again.wasBusy).toBe(false);
    expect(await actionsOf(db, 'agent:iris')).toEqual(['agent_added', 'busy', 'busy', 'available']);
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'UIRIS', action: 'available' });
    await expectDomainError(setAvailable(deps, user('USTRANGER'), { handle: 'iris' }), 'not_allowed', /./);
    // The agent itself, through the API.
    await setBusy(deps, agentPrincipal('iris', 'api'), { handle: 'iris' }, {});
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'agent:iris', action: 'busy' });
  });

  it('available ends an unresponsive spell too, in the trail, and restarts the heartbeat clock', async () => {
    clock.set('2026-03-02T10:00:00Z');
    await add('iris', { heartbeatSec: 600 });
    await db.db.execute(
      (await import('drizzle-orm')).sql`update agents set unresponsive = 'silent', unresponsive_reason = 'silent for 20m', unresponsive_since = now() where handle = 'iris'`,
    );
    clock.advance(HOUR);
    const a = await setAvailable(deps, admin, { handle: 'iris' });
    expect(a.wasBusy).toBe(true);
    expect(a.agent).toMatchObject({ unresponsive: null, unresponsiveReason: null, heartbeatSince: clock.now() });
    expect(await getAgent(db.db, 'iris')).toMatchObject({ unresponsive: null, heartbeatSince: clock.now() });
    expect((await actionsOf(db, 'agent:iris')).at(-1)).toBe('available');
  });

  it('busy windows that ended make their agents available, as Baton, and held work flows; windows not ended, and open-ended busy, stay', async () => {
    clock.set('2026-03-02T10:00:00Z');
    await add('iris');
    await add('maya', { skills: ['billing'] });
    await add('omar', { skills: ['legal'] });
    await setBusy(deps, admin, { handle: 'iris' }, { until: new Date('2026-03-02T11:00:00Z') });
    await setBusy(deps, admin, { handle: 'maya' }, { until: new Date('2026-03-02T13:00:00Z') });
    await setBusy(deps, admin, { handle: 'omar' }, {});
    const held = await fileTicket(deps, user(REQ), input('Held', { type: 'support' }));
    expect(held.agent).toBeNull();
    clock.set('2026-03-02T10:59:59Z');
    expect(await endBusyWindows(deps)).toEqual([]);
    clock.set('2026-03-02T11:00:00Z');
    expect(await endBusyWindows(deps)).toEqual([{ handle: 'iris', assigned: [held.ticket.key] }]);
    expect(await endBusyWindows(deps)).toEqual([]);
    expect(await getAgent(db.db, 'iris')).toMatchObject({ busy: false, busyUntil: null });
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'baton', action: 'available' });
    expect(await getAgent(db.db, 'maya')).toMatchObject({ busy: true });
    expect(await getAgent(db.db, 'omar')).toMatchObject({ busy: true });
    clock.set('2026-03-02T15:00:00Z');
    expect(await endBusyWindows(deps)).toEqual([{ handle: 'maya', assigned: [] }]);
    expect(await getAgent(db.db, 'omar')).toMatchObject({ busy: true });
  });

  it('remove: open tickets are rerouted to another agent with the note and card edit keyed by its event; pinned intake work is unpinned and routed; the trail names both', async () => {
    await add('felix');
    await add('maya', { escalatesTo: { handle: 'felix' } });
    await add('felix2', { skills: ['billing'], escalatesTo: { handle: 'felix' } });
    await setBusy(deps, admin, { handle: 'maya' }, {});
    const f = await fileTicket(deps, user(REQ), input('Open one', { type: 'support' }));
    expect(f.agent?.handle).toBe('felix');
    await deliverHome(db, f.ticket.key, '1700000010.000100');
    const g = await fileTicket(deps, user(REQ), input('Not yet delivered', { type: 'support' }));
    expect(g.agent?.handle).toBe('felix');
    // Pinned to felix but held: felix at capacity.
    await updateAgent(deps, admin, { handle: 'felix', capacity: 2 });
    const pinned = await fileTicket(deps, user(REQ), input('Pinned', { type: 'support', assign: { handle: 'felix' } }));
    expect(pinned.agent).toBeNull();
    await setAvailable(deps, admin, { handle: 'maya' });

    const r = await removeAgent(deps, admin, { handle: 'felix' });
    expect(r.agent.handle).toBe('felix');
    expect(r.chainsChanged).toEqual(['felix2', 'maya']);
    expect(r.rerouted).toEqual([
      { key: f.ticket.key, to: 'maya' },
      { key: g.ticket.key, to: 'maya' },
      { key: pinned.ticket.key, to: 'maya' },
    ]);
    expect(await getAgent(db.db, 'felix')).toBeNull();
    expect((await auditOf(db, 'agent:felix')).at(-1)).toMatchObject({ actor: ADMIN, action: 'agent_removed', data: { openTickets: [f.ticket.key, g.ticket.key], escalatedToIt: ['felix2', 'maya'] } });
    const unassigned = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'unassigned')!;
    expect(unassigned).toMatchObject({ actor: ADMIN, fromStatus: 'active', toStatus: 'intake', note: 'felix left the roster' });
    expect((await getTicket(db.db, pinned.ticket.key))).toMatchObject({ pinnedAgent: null, assignee: 'maya' });

    const out = await outboxOf(db, f.ticket.key);
    const note = out.find((m) => m.idempotencyKey === `${unassigned.id}:removed-note`)!;
    expect(note).toMatchObject({ channel: 'CFELIX', threadTs: '1700000010.000100' });
    expect(note.text).toContain(':wave: @felix left the roster; this card no longer acts, and it is now with @maya');
    const assignedId = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'assigned')!.id;
    expect(out.find((m) => m.idempotencyKey === `${unassigned.id}:removed-card`)).toMatchObject({ channel: 'CFELIX', updatesKey: `${assignedId}:card` });
    // The ticket never delivered has no old card to edit and no old thread.
    expect((await outboxOf(db, g.ticket.key)).some((m) => m.idempotencyKey.includes(':removed-'))).toBe(false);
  });

  it('remove by user, and an unknown agent refused', async () => {
    await add('felix');
    const r = await removeAgent(deps, admin, { user: 'UFELIX' });
    expect(r).toMatchObject({ agent: { handle: 'felix' }, rerouted: [], chainsChanged: [] });
    await expectDomainError(removeAgent(deps, admin, { handle: 'felix' }), 'unknown_agent', /felix/);
    await expectDomainError(removeAgent(deps, user('UNOBODY'), { handle: 'felix' }), 'not_allowed', /./);
  });

  it('remove: only tickets pinned to it leave intake’s pins; one nobody else can take waits, unpinned; Baton routes them in the trail', async () => {
    await add('felix', { capacity: 1 });
    const busy = await fileTicket(deps, user(REQ), input('Keeps felix full', { type: 'support' }));
    const pinned = await fileTicket(deps, user(REQ), input('Pinned, held', { type: 'support', assign: { handle: 'felix' } }));
    const other = await fileTicket(deps, user(REQ), input('Nobody takes legal', { type: 'legal' }));
    expect([pinned.agent, other.agent]).toEqual([null, null]);
    const r = await removeAgent(deps, admin, { handle: 'felix' });
    expect(r.rerouted).toEqual([
      { key: busy.ticket.key, to: null },
      { key: pinned.ticket.key, to: null },
    ]);
    expect(await getTicket(db.db, pinned.ticket.key)).toMatchObject({ status: 'intake', pinnedAgent: null });
    expect((await auditOf(db, other.ticket.key)).map((e) => e.action)).toEqual(['filed', 'held']);
    // The routing after the removal is Baton's in the trail.
    await add('iris');
    const f = await fileTicket(deps, user(REQ), input('Moves on', { type: 'support', assign: { handle: 'iris' } }));
    await add('omar');
    await removeAgent(deps, admin, { handle: 'iris' });
    const trail = await auditOf(db, f.ticket.key);
    const unassigned = trail.findIndex((e) => e.action === 'unassigned');
    expect(trail.slice(unassigned + 1).find((e) => e.toStatus === 'active' || e.toStatus === 'intake')).toMatchObject({ actor: 'baton' });
  });

  it('busy and available refusals name what was refused; a card error over 500 characters is cut', async () => {
    await add('iris');
    await expectDomainError(setBusy(deps, user('USTRANGER'), { handle: 'iris' }, {}), 'not_allowed', "Only iris's own user or an admin can set its availability.");
    await expectDomainError(setAvailable(deps, user('USTRANGER'), { handle: 'iris' }), 'not_allowed', "Only iris's own user or an admin can set its availability.");
    const long: A2aPort = {
      readCard: async () => {
        throw new A2aCallError('e'.repeat(600), false);
      },
      send: async () => {
        throw new Error('not used');
      },
      getTask: async () => {
        throw new Error('not used');
      },
    };
    await expectDomainError(updateAgent({ ...deps, a2a: long }, admin, { handle: 'iris', a2a: 'https://x.example.com' }), 'invalid_input', `Can't connect iris to \`https://x.example.com\`: ${'e'.repeat(500)}. Nothing changed.`, 'a2a');
  });
});
