// Routing holds an agent's lock while it raises that agent's load (agent_loads, kept by triggers); a resolve
// lowers its agent's load and then offers held work to the agents sharing its skills. On PostgreSQL, with
// both at once on the same agents, no transaction waits on another in a circle (no deadlock is detected).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { HAS_POSTGRES, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed } from '../support/deps.js';
import { input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.skipIf(!HAS_POSTGRES)('agent locks and loads on PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed('postgres', { per: 'test', poolSize: 20 }, (bed) => ({ db, deps } = bed));

  const deadlocks = async () => {
    const [r] = await db.rows<{ n: number }>(db.db, sql`select deadlocks::int as n from pg_stat_database where datname = current_database()`);
    return Number(r!.n);
  };

  it('resolves and filings on the same agents at once never deadlock, and every filing is routed', async () => {
    for (const h of ['la', 'lb', 'lc']) await addAgent(deps, admin, { handle: h, skills: ['locks'], channel: `C${h.toUpperCase()}0001`, capacity: 100 });
    const before = await deadlocks();
    let open = (await Promise.all(Array.from({ length: 12 }, (_, i) => fileTicket(deps, user(REQ), input(`seed ${i}`, { type: 'locks' }))))).map((f) => f.ticket.key);
    for (let round = 0; round < 6; round++) {
      const work: Promise<unknown>[] = [];
      for (const key of open.splice(0, 8)) work.push(resolveTicket(deps, admin, key, undefined));
      const filed = Array.from({ length: 8 }, (_, i) => fileTicket(deps, user(REQ), input(`round ${round}.${i}`, { type: 'locks' })));
      work.push(...filed);
      await Promise.all(work);
      const keys = (await Promise.all(filed)).map((f) => {
        expect(f.agent).not.toBeNull();
        return f.ticket.key;
      });
      open.push(...keys);
    }
    await new Promise((r) => setTimeout(r, 1200)); // the server's statistics are flushed within a second
    expect(await deadlocks()).toBe(before);
  });
});
