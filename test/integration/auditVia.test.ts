// An event by an agent through the API or MCP says so (`via`) in its trail data; a person's event through the same
// door does not, nor does an agent's event without a door.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { acceptTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed } from '../support/deps.js';
import { auditOf, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('the door in the trail on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, deps } = bed));

  it('when an agent accepts through the API and resolves without a door, then only the accept records via: api', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    await acceptTicket(deps, agentPrincipal('iris', 'api'), f.ticket.key, { via: 'api' });
    await resolveTicket(deps, agentPrincipal('iris', 'mcp'), f.ticket.key, 'fixed');
    const trail = await auditOf(db, f.ticket.key);
    expect(trail.find((e) => e.action === 'accepted')).toMatchObject({ actor: 'agent:iris', data: { via: 'api' } });
    expect(trail.find((e) => e.action === 'resolved')!.data.via).toBeUndefined();
  });

  it('when someone files a ticket for another person (a reaction, a shortcut), then the filed event keeps who did; otherwise it has none', async () => {
    const origin = { channel: 'CINTAKE1', ts: '1700000001.000100' };
    const forOther = await fileTicket(deps, user(REQ), input('Printer', { type: 'desk', origin, reactor: 'UOTHER1' }));
    const own = await fileTicket(deps, user(REQ), input('Scanner', { type: 'desk' }));
    expect((await auditOf(db, forOther.ticket.key))[0]).toMatchObject({ action: 'filed', actor: REQ, data: { reactor: 'UOTHER1' } });
    expect((await auditOf(db, own.ticket.key))[0]!.data.reactor).toBeUndefined();
  });

  it('when a person acts through a door, then the trail data has no via', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    await acceptTicket(deps, user('UIRIS'), f.ticket.key, { via: 'api' });
    const accepted = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'accepted')!;
    expect(accepted.actor).toBe('UIRIS');
    expect(accepted.data.via).toBeUndefined();
  });
});
