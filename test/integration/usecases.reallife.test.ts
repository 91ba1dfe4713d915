// What a week of real use found in resolving parents, reopening and held tickets, on every database.
import { describe, expect, it } from 'vitest';
import { addAgent, setAvailable, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { reopenTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, type makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0002';

describe.each(DB_KINDS)('real use on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;

  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock, deps } = bed));

  const id = (handle: string) => handle.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const agent = (handle: string, skills: string[]) =>
    addAgent(deps, admin, { handle, skills, channel: `C${id(handle)}`, user: `U${id(handle)}` });
  let ts = 1700000100;
  const delivered = async (key: string) => deliverHome(db, key, `${ts++}.000100`);

  it('item 3: resolving a parent whose handoff child is open is refused unless forced; forced, the child is closed with a note and nobody hears the parent is running', async () => {
    await agent('pa3', ['p3']);
    await agent('ch3', ['c3']);
    const parent = await fileTicket(deps, user(REQ), input('parent work', { type: 'p3' }));
    await delivered(parent.ticket.key);
    const h = await handoffTicket(deps, user('UPA3'), parent.ticket.key, { handle: 'ch3' }, 'fix the bug');
    const child = h.child.key;
    await delivered(child);

    // Refused: it names the open child, who has it, and how to force.
    const before = (await outboxOf(db, parent.ticket.key)).length;
    await expectDomainError(
      resolveTicket(deps, user('UPA3'), parent.ticket.key, 'done'),
      'invalid_state',
      `${parent.ticket.key} waits on its handoff ${child} (with ch3), which is still open. Resolve ${child} first, or close both: \`/ticket resolve ${parent.ticket.key} force [note]\` (\`"force": true\` through the API or MCP; ${child} is then closed with a note pointing at ${parent.ticket.key}).`,
    );
    expect(await getTicket(db.db, parent.ticket.key)).toMatchObject({ status: 'active', waitingOn: child });
    expect((await outboxOf(db, parent.ticket.key)).length).toBe(before);

    // Forced: both completed; the child's trail and thread point at the parent.
    const r = await resolveTicket(deps, user('UPA3'), parent.ticket.key, 'done', { force: true });
    expect(r.closedChildren).toEqual([child]);
    expect(await getTicket(db.db, parent.ticket.key)).toMatchObject({ status: 'completed', waitingOn: null, resolution: 'done' });
    expect(await getTicket(db.db, child)).toMatchObject({ status: 'completed', resolution: `closed with ${parent.ticket.key}: done` });
    expect((await auditOf(db, child)).at(-1)).toMatchObject({ action: 'resolved', actor: 'UPA3', data: { closedWith: parent.ticket.key } });
    const childThread = (await outboxOf(db, child)).at(-1)!;
    expect(childThread).toMatchObject({ threadOfTicket: child, threadOf: 'home' });
    expect(childThread.text).toContain(`together with ${parent.ticket.key}`);
    const parentReply = (await outboxOf(db, parent.ticket.key)).find((m) => m.text.includes('Resolved by'))!;
    expect(parentReply.text).toContain(`Its open handoff ${child} was closed with it.`);
    // No message anywhere calls the completed parent someone's again or restarts its clock.
    const all = [...(await outboxOf(db, parent.ticket.key)), ...(await outboxOf(db, child))];
    for (const m of all) expect(m.text).not.toMatch(/yours again|clock .*restarted/);
  });

  it('item 3: a held handoff child counts as open; forced, it is closed and the parent’s thread never says the parent is theirs again', async () => {
    await agent('pb3', ['p3b']);
    await agent('cb3', ['c3b']);
    await setBusy(deps, admin, { handle: 'cb3' }, { until: null, reason: 'away' });
    const parent = await fileTicket(deps, user(REQ), input('parent b', { type: 'p3b' }));
    await delivered(parent.ticket.key);
    const h = await handoffTicket(deps, user('UPB3'), parent.ticket.key, { handle: 'cb3' }, undefined);
    expect(h.held).toMatch(/cb3/);
    // A held child is open too.
    await expectDomainError(resolveTicket(deps, user('UPB3'), parent.ticket.key, undefined), 'invalid_state', new RegExp(`waits on its handoff ${h.child.key} \\(waiting in intake\\)`));
    await resolveTicket(deps, user('UPB3'), parent.ticket.key, undefined, { force: true });
    expect(await getTicket(db.db, h.child.key)).toMatchObject({ status: 'completed', resolution: `closed with ${parent.ticket.key}` });
    const parentMessages = await outboxOf(db, parent.ticket.key);
    for (const m of parentMessages) expect(m.text).not.toMatch(/yours again/);
  });

  it('item 5: reopen continues the same home thread with the note, and the trail states the real reason', async () => {
    await agent('ro5', ['r5']);
    await agent('rp5', ['r5']);
    const f = await fileTicket(deps, user(REQ), input('reopen me', { type: 'r5' }));
    expect(f.agent?.handle).toBe('ro5');
    await delivered(f.ticket.key);
    const home = (await getTicket(db.db, f.ticket.key))!.home!;
    await resolveTicket(deps, user('URO5'), f.ticket.key, 'fixed');
    clock.advance(MIN);
    const sentBefore = (await outboxOf(db, f.ticket.key)).length;
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, 'still broken on mobile');
    expect(r.agent?.handle).toBe('ro5');
    expect(r.reason).toBe('reopened: back to its previous assignee ro5');
    const trail = await auditOf(db, f.ticket.key);
    expect(trail.at(-1)).toMatchObject({ action: 'assigned', note: 'reopened: back to its previous assignee ro5' });
    expect(trail.map((e) => e.note).join('\n')).not.toContain('the ticket it follows');
    const out = await outboxOf(db, f.ticket.key);
    const after = out.slice(sentBefore);
    // one reply in the same thread and the card edited to show it active again; no new card
    expect(after.map((m) => m.idempotencyKey.replace(/^\d+:/, ''))).toEqual(['reopened', 'card-reopened']);
    expect(after.some((m) => m.recordsHomeOf)).toBe(false);
    const reply = after[0]!;
    expect(reply).toMatchObject({ channel: home.channel, threadTs: home.ts });
    expect(reply.text + JSON.stringify(reply.blocks)).toContain('still broken on mobile');
    expect(JSON.stringify(reply.blocks)).toContain('is yours again');
    expect(JSON.stringify(reply.blocks)).toContain('ticket_resolve');
  });

  it('item 5: a reopened ticket whose previous assignee is busy moves, and both threads say why and carry the note', async () => {
    await agent('rb5', ['r5b']);
    await agent('rc5', ['r5b']);
    const f = await fileTicket(deps, user(REQ), input('move me', { type: 'r5b' }));
    const first = f.agent!.handle;
    const other = first === 'rb5' ? 'rc5' : 'rb5';
    await delivered(f.ticket.key);
    const home = (await getTicket(db.db, f.ticket.key))!.home!;
    await resolveTicket(deps, user(REQ), f.ticket.key, undefined);
    await setBusy(deps, admin, { handle: first }, { until: new Date(clock.now().getTime() + HOUR), reason: 'offsite' });
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, 'came back');
    expect(r.agent?.handle).toBe(other);
    expect(r.reason).toMatch(new RegExp(`^reopened, but its previous assignee ${first} is busy \\(offsite\\) until .*; ${other} `));
    const out = await outboxOf(db, f.ticket.key);
    const [card, oldThread, newThread] = out.slice(-3);
    expect(oldThread).toMatchObject({ channel: home.channel, threadTs: home.ts });
    expect(JSON.stringify(oldThread!.blocks)).toContain(`It moved to @${other}`);
    expect(JSON.stringify(oldThread!.blocks)).toContain('came back');
    expect(card).toMatchObject({ channel: `C${id(other)}`, recordsHomeOf: f.ticket.key });
    expect(newThread).toMatchObject({ threadOfTicket: f.ticket.key, threadOf: 'home' });
    expect(JSON.stringify(newThread!.blocks)).toContain('came back');
    expect(JSON.stringify(newThread!.blocks)).toContain('earlier thread');
    await setAvailable(deps, admin, { handle: first });
  });

  it('item 6: when a held ticket is assigned, the requester hears it once (DM for a slash-command filing, a line in the intake thread otherwise)', async () => {
    await agent('h6', ['held6']);
    await setBusy(deps, admin, { handle: 'h6' }, { until: null, reason: 'lunch' });
    const bySlash = await fileTicket(deps, user(REQ), input('held from slash', { type: 'held6' }));
    const byIntake = await fileTicket(deps, user(REQ), input('held from intake', { type: 'held6', origin: { channel: 'CINTAKE6', ts: '1700000600.000100' } }));
    expect(bySlash.agent).toBeNull();
    expect(byIntake.agent).toBeNull();
    await setAvailable(deps, admin, { handle: 'h6' });

    const dm = (await outboxOf(db, bySlash.ticket.key)).filter((m) => m.channel === REQ);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.text).toContain(`${bySlash.ticket.key}`);
    expect(dm[0]!.text).toContain('is now with @h6');

    const thread = (await outboxOf(db, byIntake.ticket.key)).filter((m) => m.threadTs === '1700000600.000100');
    expect(thread.map((m) => m.text)).toEqual([expect.stringContaining('waiting in intake'), expect.stringContaining('is now with @h6')]);
    expect((await outboxOf(db, byIntake.ticket.key)).filter((m) => m.channel === REQ)).toHaveLength(0);

    // A ticket assigned at once is not announced twice.
    const direct = await fileTicket(deps, user(REQ), input('straight away', { type: 'held6' }));
    expect(direct.agent?.handle).toBe('h6');
    expect((await outboxOf(db, direct.ticket.key)).filter((m) => m.channel === REQ)).toHaveLength(0);
  });
});
