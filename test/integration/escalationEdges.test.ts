// Escalation (src/app/escalation.ts), the edges the other suites leave open: what the ping says of an assignee that
// wrote in the ticket without accepting it (and of one that did nothing), the managers' line of an ordinary step,
// the metrics and the webhook each step gives, a chain that starts again (`ESCALATION_REPEAT`), and take-overs
// refused for a completed ticket or a ticket no escalation reached.
import { describe, expect, it } from 'vitest';
import { addAgent, updateAgent } from '../../src/app/agents.js';
import type { Happening } from '../../src/app/context.js';
import { escalateDue, escalateTicket, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { postUpdate } from '../../src/app/progress.js';
import { recordThreadReply, resolveTicket } from '../../src/app/ticketActions.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox, auditOf, expectDomainError, input, MIN, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(['pglite'] as const)('escalation, edges, on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  let seen: Array<[string, string, number]>;
  useCaseBed(kind, { per: 'test' }, (bed) => {
    ({ db, clock, deps } = bed);
    seen = [];
    deps.observe = (hs: Happening[]) => {
      for (const h of hs) if (h.kind === 'escalated') seen.push([h.kind, h.ticket.key, h.level]);
    };
  });

  /** iris (support) escalates to maya; a support ticket with a one-hour threshold goes to iris. */
  const setUp = async (o: { irisUser?: boolean } = {}) => {
    await addAgent(deps, admin, { handle: 'maya', skills: ['billing'], channel: 'CMAYA', user: 'UMAYA' });
    await addAgent(deps, admin, {
      handle: 'iris',
      skills: ['support'],
      channel: 'CIRIS',
      ...(o.irisUser === false ? {} : { user: 'UIRIS' }),
      escalatesTo: { handle: 'maya' },
    });
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support', escalateAfterSec: 3600 }));
    expect(f.agent?.handle).toBe('iris');
    return f.ticket.key;
  };
  const stepOf = async (key: string, n = 0) => (await auditOf(db, key)).filter((e) => e.action === 'escalated' || e.action === 'escalation_exhausted')[n]!;
  const msg = async (key: string, idempotencyKey: string) => (await outboxOf(db, key)).find((m) => m.idempotencyKey === idempotencyKey);

  it('swept with nothing heard from the assignee: the ping says it waited without progress; the managers hear where it went; counted (a run-out step is not); maya hears by webhook', async () => {
    const key = await setUp();
    await updateAgent(deps, admin, { handle: 'maya', webhook: 'https://hooks.example.com/maya' });
    clock.advance(61 * MIN);
    expect(await escalateDue(deps)).toEqual([key]);
    const ev = await stepOf(key);
    expect(ev).toMatchObject({ action: 'escalated', note: 'past its escalation threshold', data: { level: 1, to: 'maya', reason: 'stale' } });
    const ping = (await msg(key, `${ev.id}:ping`))!;
    expect(ping.channel).toBe('CMAYA');
    expect(JSON.stringify(ping.blocks)).toContain('without progress');
    // Never delivered: the home reply waits for the home channel.
    expect(await msg(key, `${ev.id}:home`)).toMatchObject({ channel: '', threadOfTicket: key, threadOf: 'home' });
    expect(await msg(key, `${ev.id}:card-escalated`)).toMatchObject({ channel: 'CIRIS' });
    const managers = (await outboxOf(db, key)).find((m) => m.channel === 'CESCAL1')!;
    expect(managers.text).toBe(`${key} went stale (level 1)`);
    expect(JSON.stringify(managers.blocks)).toContain('maya');
    expect(seen).toEqual([['escalated', key, 1]]);
    const hooks = (await allOutbox(db)).filter((m) => m.destination === 'webhook' && m.target === 'maya').map((m) => [m.ticketKey, m.text]);
    expect(hooks).toContainEqual([key, 'ticket.escalated']);
    // An hour later the chain has run out: that step is not counted as an escalation.
    clock.advance(61 * MIN);
    expect(await escalateDue(deps)).toEqual([key]);
    expect(await stepOf(key, 1)).toMatchObject({ action: 'escalation_exhausted' });
    expect(seen).toEqual([['escalated', key, 1]]);
  });

  it('swept after the assignee’s user replied in its thread, not accepting it: the ping says how long since assignment', async () => {
    const key = await setUp();
    clock.advance(10 * MIN);
    await recordThreadReply(deps, { ticketKey: key, user: 'UIRIS', text: 'looking into it', ts: '1700000000.000200' });
    clock.advance(51 * MIN);
    expect(await escalateDue(deps)).toEqual([key]);
    const ev = await stepOf(key);
    expect(JSON.stringify((await msg(key, `${ev.id}:ping`))!.blocks)).toContain('since assignment');
  });

  it('escalated by hand after the agent posted progress through the API: the ping says how long since assignment; no note unless given; counted and its card edited', async () => {
    const key = await setUp({ irisUser: false });
    clock.advance(10 * MIN);
    await postUpdate(deps, agentPrincipal('iris', 'api'), key, 'half way there');
    clock.advance(MIN);
    await escalateTicket(deps, admin, key, undefined);
    const ev = await stepOf(key);
    expect(ev).toMatchObject({ action: 'escalated', note: null, data: { level: 1, to: 'maya', reason: 'manual' } });
    expect(JSON.stringify((await msg(key, `${ev.id}:ping`))!.blocks)).toContain('since assignment');
    expect(await msg(key, `${ev.id}:card-escalated`)).toMatchObject({ channel: 'CIRIS' });
    expect(seen).toEqual([['escalated', key, 1]]);
  });

  it('with ESCALATION_REPEAT 1, a chain that ran out starts again once from the assignee', async () => {
    const key = await setUp();
    deps.escalationRepeat = 1;
    await escalateTicket(deps, admin, key, undefined);
    clock.advance(5 * MIN);
    const again = await escalateTicket(deps, admin, key, undefined);
    expect(again.target?.handle).toBe('maya');
    expect(await stepOf(key, 1)).toMatchObject({ action: 'escalated', data: { level: 2, to: 'maya' } });
    clock.advance(5 * MIN);
    const out = await escalateTicket(deps, admin, key, undefined);
    expect(out.target).toBeNull();
    expect(seen).toEqual([
      ['escalated', key, 1],
      ['escalated', key, 2],
    ]);
  });

  it('take-over: refused for a completed ticket; refused to an agent when no escalation reached the ticket, whose agent has no Slack user', async () => {
    const key = await setUp({ irisUser: false });
    await expectDomainError(takeOver(deps, agentPrincipal('maya', 'api'), key, null), 'invalid_state', `${key} has no escalation to take over.`);
    await escalateTicket(deps, admin, key, undefined);
    await resolveTicket(deps, admin, key, 'done');
    await expectDomainError(takeOver(deps, user('UMAYA'), key, null), 'invalid_state', `${key} is already completed.`);
  });
});
