// Filing again with an open ticket's dedup key, the edges guards.test leaves open: a report by Baton itself, a
// report from a message (that message's thread hears where it is tracked), an open ticket not yet delivered (no
// thread of its own to tell), and one filed from a message but not delivered (told in that message's thread).
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { BATON, user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { DB_KINDS } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed } from '../support/deps.js';
import { auditOf, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);

describe.each(DB_KINDS)('dedup reports, edges, on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, deps } = bed));

  it('when Baton reports again from a message while the open ticket has no thread yet, then the trail names Baton with the trimmed title and the message’s thread hears where it is tracked', async () => {
    await addAgent(deps, admin, { handle: 'dd1', skills: ['ops'], channel: 'CDD1', user: 'UDD1' });
    const first = await fileTicket(deps, user('UREQA'), input('Disk full on db1', { type: 'ops', dedupKey: 'disk-full-db1' }));
    const origin = { channel: 'CALERTS1', ts: '1700000002.000200' };

    const again = await fileTicket(deps, BATON, input('  Disk full again  ', { type: 'ops', dedupKey: 'disk-full-db1', origin }));
    expect(again).toMatchObject({ duplicate: true, reason: 'already tracked', ticket: { key: first.ticket.key }, agent: { handle: 'dd1' } });
    const report = (await auditOf(db, first.ticket.key)).find((e) => e.action === 'also_reported')!;
    expect(report).toMatchObject({ actor: 'baton', note: 'Disk full again', data: { dedupKey: 'disk-full-db1', origin } });

    const msgs = (await outboxOf(db, first.ticket.key)).filter((m) => m.idempotencyKey.startsWith(`${report.id}:`));
    expect(msgs.map((m) => m.idempotencyKey)).toEqual([`${report.id}:also-reported-origin`]);
    expect(msgs[0]).toMatchObject({ channel: 'CALERTS1', threadTs: '1700000002.000200' });
    expect(msgs[0]!.text).toContain(`Already tracked as *${first.ticket.key}* (@dd1).`);
  });

  it('when the open ticket was filed from a message and not delivered yet, then the extra report is told in that message’s thread', async () => {
    const origin = { channel: 'CINTAKE1', ts: '1700000001.000100' };
    const first = await fileTicket(deps, user('UREQA'), input('Printer jam', { type: 'desk', dedupKey: 'printer-3', origin }));
    expect(first.agent).toBeNull();

    const again = await fileTicket(deps, user('UREQB'), input('Printer jammed again', { type: 'desk', dedupKey: 'printer-3' }));
    expect(again).toMatchObject({ duplicate: true, reason: 'already tracked', ticket: { key: first.ticket.key }, agent: null });
    const report = (await auditOf(db, first.ticket.key)).find((e) => e.action === 'also_reported')!;
    expect(report).toMatchObject({ actor: 'UREQB', note: 'Printer jammed again' });
    const msgs = (await outboxOf(db, first.ticket.key)).filter((m) => m.idempotencyKey.startsWith(`${report.id}:`));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ idempotencyKey: `${report.id}:also-reported`, channel: 'CINTAKE1', threadOfTicket: first.ticket.key, threadOf: 'origin' });
  });
});
