import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addAgent, releaseWaitingWork } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { showTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { DB_KINDS, openTestDatabase, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps } from '../support/deps.js';

describe.each(DB_KINDS)("the sweep's release of waiting work on %s", (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    deps = makeDeps(db);
  });
  afterAll(async () => db?.close());

  it('when an agent has room but held work it can take was missed, then the sweep assigns it, most urgent first', async () => {
    await addAgent(deps, user(ADMIN), { handle: 'ana', skills: ['ops'], channel: 'CANA0001', capacity: 1 });
    const file = (title: string, priority: 'low' | 'urgent') => fileTicket(deps, user('UREQ0001'), { type: 'ops', priority, context: {}, handoff: [], title, description: title });
    expect((await file('first', 'low')).agent?.handle).toBe('ana');
    const low = await file('waits, low', 'low');
    const urgent = await file('waits, urgent', 'urgent');
    expect(low.agent).toBeNull();
    expect(urgent.agent).toBeNull();
    // Room appears without going through a use case (as when a filing held at the instant room appeared).
    await db.db.execute(sql`update agents set capacity = 2 where handle = 'ana'`);
    expect(await releaseWaitingWork(deps)).toEqual([urgent.ticket.key]);
    expect((await showTicket(deps, urgent.ticket.key)).ticket.assignee).toBe('ana');
    expect((await showTicket(deps, low.ticket.key)).ticket.status).toBe('intake');
    expect(await releaseWaitingWork(deps)).toEqual([]);
  });
});
