// Assignment's edges the other suites leave open: a pull counts as accepted (metrics), an unknown Slack user
// named as the agent is refused saying so, and why for a held handoff child never offers it back to its sender.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import type { Happening } from '../../src/app/context.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { assignTicket, claimNext } from '../../src/app/ticketActions.js';
import { explainRouting } from '../../src/app/why.js';
import { user } from '../../src/core/permissions.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed } from '../support/deps.js';
import { expectDomainError, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('assignment, edges, on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  let seen: Array<[string, string]>;
  useCaseBed(kind, { per: 'test' }, (bed) => {
    ({ db, deps } = bed);
    seen = [];
    deps.observe = (hs: Happening[]) => {
      for (const h of hs) if ('ticket' in h) seen.push([h.kind, h.ticket.key]);
    };
  });

  const add = (handle: string, skills: string[]) => addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('when an agent pulls a held ticket, then the pull is counted as accepted', async () => {
    await add('iris', ['support']);
    await setBusy(deps, admin, { handle: 'iris' }, { reason: 'lunch' });
    const held = await fileTicket(deps, user(REQ), input('Waits', { type: 'support' }));
    expect(held.agent).toBeNull();
    // Free again without the release of held work that setAvailable does: the ticket is left for a pull.
    await db.db.execute(sql`update agents set busy = false where handle = 'iris'`);
    seen = [];
    const r = await claimNext(deps, user('UIRIS'), { handle: 'iris' });
    expect(r.ticket?.key).toBe(held.ticket.key);
    expect(seen).toContainEqual(['accepted', held.ticket.key]);
  });

  it('when a ticket is assigned to a Slack user who is no agent, then it is refused naming that user', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    await expectDomainError(assignTicket(deps, admin, f.ticket.key, { user: 'UNOBODY1' }), 'unknown_agent', '<@UNOBODY1> is not an agent. `/agent list` shows the roster.', 'handle');
  });

  it('when a handed-off child waits because only its sender has the skill, then why for it never offers it to the sender', async () => {
    await add('iris', ['support', 'billing']);
    const p = await fileTicket(deps, user(REQ), input('Refund question', { type: 'support' }));
    expect(p.agent?.handle).toBe('iris');
    const h = await handoffTicket(deps, user('UIRIS'), p.ticket.key, { skill: 'billing' }, undefined);
    expect(h.child.assignee).toBeNull();
    const x = await explainRouting(deps, h.child.key);
    expect(x.kind).toBe('held');
    expect(x.verdicts.filter((v) => v.chosen)).toEqual([]);
    expect(x.verdicts.map((v) => v.handle)).toEqual(['iris']);
  });
});
