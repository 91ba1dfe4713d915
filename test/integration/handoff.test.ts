// Handoffs at the use case (src/app/handoff.ts) on every database, the cases usecases.test.ts and guards.test.ts
// leave out: a handoff to a skill nobody has (the parent's thread says it waits, and why), the refusals word for
// word, what the child carries (type, requester, packet, clock), and a refused loop without a managers' channel.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { agentPrincipal, BATON, user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, input, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('handoffs on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, skills: string[]) => addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('to a skill nobody has: the child waits in intake, the parent waits on it with its clock stopped, and its thread says so', async () => {
    await add('sam', ['support']);
    const p = await fileTicket(deps, user(REQ), input('Contract question', { type: 'support', priority: 'high', escalateAfterSec: 3600 }));
    await deliverHome(db, p.ticket.key, '1700000000.000100');
    const r = await handoffTicket(deps, user('USAM'), p.ticket.key, { skill: 'legal' }, '  clause 7  ');
    expect(r.target).toBeNull();
    expect(r.held).toBeTruthy();
    expect(r.child).toMatchObject({ type: 'legal', status: 'intake', priority: 'high', requester: 'USAM', parentKey: p.ticket.key, pinnedAgent: null, escalateAfterSec: 3600, packet: null });
    expect(await getTicket(db.db, p.ticket.key)).toMatchObject({ waitingOn: r.child.key, escalateDueAt: null, status: 'active' });
    const ev = (await auditOf(db, p.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ action: 'handed_off', actor: 'USAM', note: 'clause 7', fromStatus: 'active', toStatus: 'active', data: { child: r.child.key, to: 'skill:legal' } });
    const notice = (await outboxOf(db, p.ticket.key)).find((m) => m.idempotencyKey === `${ev.id}:handoff-notice`)!;
    expect(notice).toMatchObject({ channel: 'CSAM', threadOfTicket: p.ticket.key, threadOf: 'home' });
    expect(notice.text).toContain(`:arrow_right: Handed off as ${r.child.key} to the legal skill; it waits in intake: ${r.held}`);
    expect((await outboxOf(db, p.ticket.key)).some((m) => m.idempotencyKey === `${ev.id}:card-waiting`)).toBe(true);
    // The child's trail says where it came from.
    expect((await auditOf(db, r.child.key))[0]).toMatchObject({ action: 'filed_handoff', actor: 'USAM' });
  });

  it('to an agent: the child is pinned to it with its type, the packet, and Baton’s handoff keeps the parent’s requester; a blank note is none', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    const p = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const packet = { summary: 'Charged twice', open_questions: ['Which card?'] };
    const r = await handoffTicket(deps, BATON, p.ticket.key, { handle: 'iris' }, '   ', { packet });
    expect(r.target?.handle).toBe('iris');
    expect(r.held).toBeNull();
    expect(r.child).toMatchObject({ type: 'billing', requester: REQ, assignee: 'iris', packet });
    const ev = (await auditOf(db, p.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ actor: 'baton', note: null, data: { child: r.child.key, to: 'iris' } });
    // An agent's token hands off as the agent.
    await add('omar', ['legal']);
    const q = await fileTicket(deps, user(REQ), input('Second', { type: 'support' }));
    const s = await handoffTicket(deps, agentPrincipal('sam', 'api'), q.ticket.key, { handle: 'omar' }, 'please');
    expect(s.child.requester).toBe('agent:sam');
  });

  it('refuses, changing nothing: to its own assignee, while it already waits on a child, and a bad packet', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    const p = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const before = await snapshot(db);
    await expectDomainError(handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'sam' }, undefined), 'invalid_input', `${p.ticket.key} is already with sam; hand it off to another agent.`, 'handle');
    await expectDomainError(handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, 'n'.repeat(5000)), 'invalid_input', /note/i, 'note');
    expect(await snapshot(db)).toEqual(before);
    const r = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    const mid = await snapshot(db);
    await expectDomainError(handoffTicket(deps, user('USAM'), p.ticket.key, { skill: 'legal' }, undefined), 'invalid_state', `${p.ticket.key} already waits on ${r.child.key}; resolve that first.`);
    expect(await snapshot(db)).toEqual(mid);
  });

  it('a refused loop without a managers’ channel: the trail keeps it once, no message; the refusal answers each time', async () => {
    const quiet = { ...deps, escalationsChannel: null, handoffDepthLimit: 1 };
    await add('a1', ['s1']);
    await add('a2', ['s2']);
    await add('a3', ['s3']);
    const root = await fileTicket(deps, user(REQ), input('Deep', { type: 's1' }));
    const c1 = (await handoffTicket(quiet, agentPrincipal('a1', 'api'), root.ticket.key, { handle: 'a2' }, undefined)).child.key;
    const msg = `${c1} has been handed off 1 times in a row (${root.ticket.key} a1 → ${c1} a2); at most 1 are allowed (\`HANDOFF_DEPTH_LIMIT\`). Resolve it or escalate it.`;
    await expectDomainError(handoffTicket(quiet, agentPrincipal('a2', 'api'), c1, { skill: 's3' }, undefined), 'invalid_state', msg);
    await expectDomainError(handoffTicket(quiet, agentPrincipal('a2', 'api'), c1, { handle: 'a3' }, undefined), 'invalid_state', msg);
    const loops = (await auditOf(db, c1)).filter((e) => e.action === 'handoff_loop');
    expect(loops).toHaveLength(1);
    expect(loops[0]).toMatchObject({ actor: 'baton', note: msg, data: { lineage: `${root.ticket.key} a1 → ${c1} a2 → skill:s3` } });
    expect((await outboxOf(db, c1)).some((m) => m.idempotencyKey.endsWith(':handoff-loop'))).toBe(false);
    // With the channel: one message, keyed by the ticket.
    const told = { ...deps, handoffDepthLimit: 1 };
    const root2 = await fileTicket(deps, user(REQ), input('Deep 2', { type: 's1' }));
    const d1 = (await handoffTicket(told, agentPrincipal('a1', 'api'), root2.ticket.key, { handle: 'a2' }, undefined)).child.key;
    await expectDomainError(handoffTicket(told, agentPrincipal('a2', 'api'), d1, { handle: 'a3' }, undefined), 'invalid_state', /at most 1 are allowed/);
    await expectDomainError(handoffTicket(told, agentPrincipal('a2', 'api'), d1, { handle: 'a3' }, undefined), 'invalid_state', /at most 1 are allowed/);
    const m = (await outboxOf(db, d1)).filter((x) => x.idempotencyKey === `${d1}:handoff-loop`);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ channel: 'CESCAL1' });
    expect(m[0]!.text).toContain(':repeat: *Handoff loop refused.* ');
  });
});
