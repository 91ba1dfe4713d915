// What an agent's webhook is sent and how the roster sees it: each event noted in a use case becomes one outbox
// row per agent, type and ticket (repeats dropped, other types kept, agents without a webhook skipped), carrying
// the ticket as the API shows it; a webhook's last failure is what `/agent list` and `/healthz` report.
import { describe, expect, it } from 'vitest';
import { addAgent, updateAgent } from '../../src/app/agents.js';
import { agentEventMessages } from '../../src/app/agentEvents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { failingWebhookStatuses, webhookStatuses } from '../../src/app/webhooks.js';
import { user } from '../../src/core/permissions.js';
import { recordWebhookResult } from '../../src/storage/webhooks.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, type makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = user('UREQ0001');

describe.each(DB_KINDS)('agents\' webhooks on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string) => addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('when a ticket is assigned to an agent with a webhook, then one event carries the ticket as the API shows it, under its own id', async () => {
    await add('iris');
    await updateAgent(deps, admin, { handle: 'iris', webhook: 'https://hooks.example.com/iris' });
    const f = await fileTicket(deps, REQ, input('Printer on fire', { type: 'support' }));
    const rows = (await allOutbox(db)).filter((m) => m.destination === 'webhook');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const body = row.payload as { id: string; type: string; at: string; agent: string; ticket: Record<string, unknown> };
    expect(row).toMatchObject({ ticketKey: f.ticket.key, target: 'iris', text: 'ticket.assigned', idempotencyKey: body.id });
    expect(body.id).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
    expect(body).toMatchObject({ type: 'ticket.assigned', at: clock.now().toISOString(), agent: 'iris' });
    expect(body.ticket).toMatchObject({ key: f.ticket.key, title: 'Printer on fire', status: 'active', assignee: 'iris', children: [] });
    expect((body.ticket.trail as Array<{ action: string }>).map((e) => e.action)).toEqual(['filed', 'assigned']);
  });

  it('writes one row per agent, type and ticket, in the order noted: repeats dropped, other types kept, agents without a webhook skipped', async () => {
    await add('iris');
    const a = await fileTicket(deps, REQ, input('A', { type: 'support' }));
    const b = await fileTicket(deps, REQ, input('B', { type: 'support' }));
    const notes = [
      { type: 'ticket.assigned' as const, agent: 'iris', ticketKey: a.ticket.key },
      { type: 'ticket.assigned' as const, agent: 'maya', ticketKey: a.ticket.key },
      { type: 'ticket.escalated' as const, agent: 'iris', ticketKey: a.ticket.key },
      { type: 'ticket.assigned' as const, agent: 'iris', ticketKey: a.ticket.key },
      { type: 'ticket.assigned' as const, agent: 'iris', ticketKey: b.ticket.key },
      { type: 'ticket.assigned' as const, agent: 'iris', ticketKey: 'T-1999-001' },
    ];
    const out = await agentEventMessages(db.db, notes, clock.now(), new Set(['iris']));
    expect(out.map((m) => [m.text, m.target, m.ticketKey])).toEqual([
      ['ticket.assigned', 'iris', a.ticket.key],
      ['ticket.escalated', 'iris', a.ticket.key],
      ['ticket.assigned', 'iris', b.ticket.key],
    ]);
    expect(new Set(out.map((m) => m.idempotencyKey)).size).toBe(3);
    expect(out.map((m) => (m.payload as { ticket: { key: string } }).ticket.key)).toEqual([a.ticket.key, a.ticket.key, b.ticket.key]);
    expect(await agentEventMessages(db.db, [], clock.now(), new Set(['iris']))).toEqual([]);
  });

  it('reports a webhook\'s last failure (and whether it gave up) until a delivery succeeds', async () => {
    await add('iris');
    await add('maya');
    const url = 'https://hooks.example.com/iris';
    await updateAgent(deps, admin, { handle: 'iris', webhook: url });
    await updateAgent(deps, admin, { handle: 'maya', webhook: 'https://hooks.example.com/maya' });
    expect(Object.fromEntries(await webhookStatuses(deps, ['iris', 'maya', 'otto']))).toEqual({
      iris: { url, failing: null },
      maya: { url: 'https://hooks.example.com/maya', failing: null },
    });
    expect(await failingWebhookStatuses(deps)).toEqual([]);

    const at = new Date(clock.now().getTime() + 5_000);
    await recordWebhookResult(db.db, 'iris', url, { error: 'HTTP 500 from the receiver', at });
    expect((await webhookStatuses(deps, ['iris'])).get('iris')).toEqual({ url, failing: { error: 'HTTP 500 from the receiver', at, gaveUp: false } });
    await recordWebhookResult(db.db, 'iris', url, { error: 'HTTP 410 from the receiver', gaveUp: true, at });
    expect(await failingWebhookStatuses(deps)).toEqual([{ agent: 'iris', url, failing: { error: 'HTTP 410 from the receiver', at, gaveUp: true } }]);

    await recordWebhookResult(db.db, 'iris', url, { error: null, at });
    expect((await webhookStatuses(deps, ['iris'])).get('iris')!.failing).toBeNull();
    expect(await failingWebhookStatuses(deps)).toEqual([]);
  });
});
