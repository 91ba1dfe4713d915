// Working hours at the use cases, on every database: bad values change nothing, work is held outside an
// agent's hours and released by the sweep when they open, and changed hours move its tickets' due times.
import { describe, expect, it } from 'vitest';
import { addAgent, releaseWaitingWork, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { assignTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { input } from '../support/inspect.js';

const admin = user(ADMIN);

describe.each(DB_KINDS)('working hours on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock, deps } = bed));

  it('refuses hours and zones it cannot read with the allowed form, and adds nothing', async () => {
    await expect(addAgent(deps, admin, { handle: 'zed', skills: ['ops'], channel: 'CZED0001', hours: 'weekdays' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'hours',
      message: expect.stringContaining('`Mon-Fri 09:00-17:30`'),
    });
    await expect(addAgent(deps, admin, { handle: 'zed', skills: ['ops'], channel: 'CZED0001', timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'tz',
      message: '`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got `Mars/Olympus`.',
    });
    expect(await getAgent(db.db, 'zed')).toBeNull();
  });

  it('holds work outside the hours with when they open, refuses assign, and the sweep releases it when they open', async () => {
    clock.set('2026-03-06T18:00:00Z'); // Friday
    const a = await addAgent(deps, admin, { handle: 'iris', skills: ['billing'], channel: 'CIRIS001', hours: 'mon-fri 9:00-17:30', timeZone: 'utc' });
    expect(a.agent).toMatchObject({ hours: 'Mon-Fri 09:00-17:30', timeZone: 'UTC' });
    const f = await fileTicket(deps, user('UREQ0001'), input('Refund', { type: 'billing' }));
    expect(f.agent).toBeNull();
    const held = await getTicket(db.db, f.ticket.key);
    expect(held?.holdReason).toBe('no `billing` agent is free: iris is outside working hours until Mon 09:00 UTC');
    await expect(assignTicket(deps, admin, f.ticket.key, { handle: 'iris' })).rejects.toMatchObject({ code: 'agent_unavailable' });
    clock.set('2026-03-08T23:00:00Z');
    expect(await releaseWaitingWork(deps)).toEqual([]);
    clock.set('2026-03-09T09:00:00Z');
    expect(await releaseWaitingWork(deps)).toEqual([f.ticket.key]);
    expect((await getTicket(db.db, f.ticket.key))?.escalateDueAt?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('when its hours change, then its tickets keep the working time they had left, counted in the new hours', async () => {
    clock.set('2026-03-09T10:00:00Z'); // 3h left of the ticket above
    await updateAgent(deps, admin, { handle: 'iris', hours: 'Mon-Fri 12:00-20:00' });
    const due = async () => (await getTicket(db.db, 'T-2026-001'))?.escalateDueAt?.toISOString();
    expect(await due()).toBe('2026-03-09T15:00:00.000Z');
    await updateAgent(deps, admin, { handle: 'iris', hours: 'always' });
    expect((await getAgent(db.db, 'iris'))?.hours).toBeNull();
    expect(await due()).toBe('2026-03-09T13:00:00.000Z');
  });
});
