// Handing off to a named agent (src/app/handoff.ts), the edges the other suites leave open: the child stays with the
// named agent even when routing on load would pick another, it waits for a busy one and the sender's thread still
// names it, the child carries the note and names agents by handle, the notice waits for an undelivered home.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { acceptTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed } from '../support/deps.js';
import { auditOf, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(['pglite'] as const)('handing off to a named agent on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, deps } = bed));

  const add = (handle: string, skills: string[]) => addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });
  const noticeOf = async (parent: string) => {
    const ev = (await auditOf(db, parent)).find((e) => e.action === 'handed_off')!;
    return (await outboxOf(db, parent)).find((m) => m.idempotencyKey === `${ev.id}:handoff-notice`)!;
  };

  it('the child stays with the named agent though another has less load; it carries the note and names agents by handle; the notice waits for an undelivered home', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await add('maya', ['billing']);
    await fileTicket(deps, user(REQ), input('Busy work', { type: 'billing', assign: { handle: 'maya' } }));
    const p = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    await acceptTicket(deps, user('USAM'), p.ticket.key);
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'maya' }, '  check the invoice  ');
    expect(h.child.assignee).toBe('maya');
    expect(h.child.description).toContain('check the invoice');
    expect(h.child.description).not.toContain('USAM');
    const notice = await noticeOf(p.ticket.key);
    expect(notice).toMatchObject({ channel: '', threadOfTicket: p.ticket.key, threadOf: 'home' });
    expect(JSON.stringify(notice.blocks)).toContain('check the invoice');
  });

  it('to a busy agent: the child waits for it, and the sender’s thread names the agent', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await add('maya', ['billing']);
    await setBusy(deps, admin, { handle: 'maya' }, {});
    const p = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'maya' }, undefined);
    expect((await getTicket(db.db, h.child.key))!).toMatchObject({ status: 'intake', assignee: null });
    expect(h.target?.handle).toBe('maya');
    const notice = await noticeOf(p.ticket.key);
    expect(notice.text).toContain('handed off to');
    expect(notice.text).toContain('maya');
  });
});
