// A reply recorded on a ticket whose A2A agent asked a question (src/app/ticketActions.ts, recordThreadReply): only
// a person's reply in the home thread goes back to the task; a reply elsewhere (the intake thread) is kept in the
// trail and the question stays open.
import { describe, expect, it } from 'vitest';
import type { A2aPort, A2aState, A2aTaskView } from '../../src/app/a2aPort.js';
import { applyA2aState } from '../../src/app/a2aFollow.js';
import { addAgent, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { recordThreadReply } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import type { A2aLink } from '../../src/core/types.js';
import { getA2aTask, openA2aTaskOf, updateA2aTask } from '../../src/storage/a2aTasks.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

const view = (state: A2aState, o: Partial<A2aTaskView> = {}): A2aTaskView => ({ taskId: 'task-1', state, message: '', artifacts: '', ...o });

describe.each(['pglite'] as const)('a thread reply to an A2A question on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const port = (): A2aPort => ({
    readCard: async (url) => ({ url, name: 'Helper bot', skills: ['support'], card: {} }) as A2aLink,
    send: async () => view('submitted'),
    getTask: async () => view('submitted'),
  });

  it('a reply outside the home thread is only kept in the trail; the next one in the home thread answers the task', async () => {
    deps = { ...deps, a2a: port() };
    await addAgent(deps, admin, { handle: 'helper', skills: ['support'], channel: 'CHELPER' });
    await updateAgent(deps, admin, { handle: 'helper', a2a: 'https://helper.example.com' });
    const f = await fileTicket(deps, user(REQ), input('Reset my password', { type: 'support' }));
    expect(f.agent?.handle).toBe('helper');
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    const row = (await openA2aTaskOf(db.db, f.ticket.key))!;
    await updateA2aTask(db.db, row.id, { taskId: 'task-1', updatedAt: clock.now() });
    expect(await applyA2aState(deps, row.id, view('input-required', { message: 'Which account?' }))).toBe('asked');

    await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'said in the intake thread', ts: '1700000000.000200' });
    expect((await auditOf(db, f.ticket.key)).at(-1)).toMatchObject({ action: 'commented', note: 'said in the intake thread' });
    expect((await outboxOf(db, f.ticket.key)).some((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toBe(false);
    expect(await getA2aTask(db.db, row.id)).toMatchObject({ state: 'input-required', awaitingInput: true });

    await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'The billing one', ts: '1700000000.000300', toA2a: true });
    expect((await outboxOf(db, f.ticket.key)).filter((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toHaveLength(1);
    expect(await getA2aTask(db.db, row.id)).toMatchObject({ state: 'replied', awaitingInput: false });
  });
});
