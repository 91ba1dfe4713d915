// Agents' webhooks beyond the roster's happy path: how a failing webhook reads (the roster's status and the
// `/healthz` list), and the outbox rows the events of one transaction become (agentEventMessages): one per
// event type and agent, only for agents with a webhook, each carrying the ticket as the API shows it.
import { describe, expect, it } from 'vitest';
import { addAgent, updateAgent } from '../../src/app/agents.js';
import { agentEventMessages, WEBHOOK_DESTINATION } from '../../src/app/agentEvents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { failingWebhookStatuses, webhookStatuses } from '../../src/app/webhooks.js';
import { user } from '../../src/core/permissions.js';
import { recordWebhookResult } from '../../src/storage/webhooks.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { HOUR, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';
const IRIS_HOOK = 'https://hooks.example.com/iris';

describe.each(DB_KINDS)('webhook status and events on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, skills: string[]) => addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('when a delivery fails, then the status shows the error, when it failed and whether Baton gave up, and /healthz lists it; a success clears it', async () => {
    await add('iris', ['support']);
    await add('sam', ['billing']);
    await updateAgent(deps, admin, { handle: 'iris', webhook: IRIS_HOOK });
    await updateAgent(deps, admin, { handle: 'sam', webhook: 'https://hooks.example.com/sam' });
    expect(await failingWebhookStatuses(deps)).toEqual([]);

    clock.advance(HOUR);
    const failedAt = clock.now();
    await recordWebhookResult(db.db, 'iris', IRIS_HOOK, { error: 'HTTP 410', gaveUp: true, at: failedAt });

    const statuses = await webhookStatuses(deps, ['iris', 'sam']);
    expect(statuses.get('iris')).toEqual({ url: IRIS_HOOK, failing: { error: 'HTTP 410', at: failedAt, gaveUp: true } });
    expect(statuses.get('sam')).toEqual({ url: 'https://hooks.example.com/sam', failing: null });
    expect(await failingWebhookStatuses(deps)).toEqual([{ agent: 'iris', url: IRIS_HOOK, failing: { error: 'HTTP 410', at: failedAt, gaveUp: true } }]);

    await recordWebhookResult(db.db, 'iris', IRIS_HOOK, { error: null, at: clock.now() });
    expect((await webhookStatuses(deps, ['iris'])).get('iris')).toEqual({ url: IRIS_HOOK, failing: null });
    expect(await failingWebhookStatuses(deps)).toEqual([]);
  });

  it('when events are noted for agents with and without a webhook, then each hooked agent gets one row per event type, repeats dropped, each with the ticket as the API shows it', async () => {
    await add('iris', ['support']);
    await add('sam', ['billing']);
    await updateAgent(deps, admin, { handle: 'iris', webhook: IRIS_HOOK });
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    expect(f.agent?.handle).toBe('iris');
    const h = await handoffTicket(deps, user('UIRIS'), f.ticket.key, { handle: 'sam' }, undefined);
    const now = clock.now();

    const rows = await agentEventMessages(
      db.db,
      [
        { type: 'ticket.assigned', agent: 'iris', ticketKey: f.ticket.key },
        { type: 'ticket.assigned', agent: 'iris', ticketKey: f.ticket.key },
        { type: 'ticket.child_resolved', agent: 'iris', ticketKey: f.ticket.key },
        { type: 'ticket.assigned', agent: 'sam', ticketKey: h.child.key },
        { type: 'ticket.reopened', agent: 'iris', ticketKey: 'T-2026-999' },
      ],
      now,
      new Set(['iris']),
    );
    expect(rows.map((r) => [r.ticketKey, r.text, r.destination, r.target, r.channel])).toEqual([
      [f.ticket.key, 'ticket.assigned', WEBHOOK_DESTINATION, 'iris', ''],
      [f.ticket.key, 'ticket.child_resolved', WEBHOOK_DESTINATION, 'iris', ''],
    ]);
    const [first, second] = rows;
    expect(first!.idempotencyKey).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
    expect(second!.idempotencyKey).not.toBe(first!.idempotencyKey);
    expect(first!.payload).toMatchObject({ id: first!.idempotencyKey, type: 'ticket.assigned', at: now.toISOString(), agent: 'iris' });
    const ticket = (first!.payload as { ticket: Record<string, unknown> }).ticket;
    expect(ticket).toMatchObject({ key: f.ticket.key, title: 'Printer', assignee: 'iris', children: [h.child.key] });
    expect((second!.payload as { ticket: unknown }).ticket).toEqual(ticket);
  });

  it('when nothing is noted, or no noted agent has a webhook, then no row is written', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    expect(await agentEventMessages(db.db, [], clock.now(), new Set(['iris']))).toEqual([]);
    expect(await agentEventMessages(db.db, [{ type: 'ticket.assigned', agent: 'iris', ticketKey: f.ticket.key }], clock.now(), new Set())).toEqual([]);
  });
});
