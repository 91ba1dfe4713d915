// Handoffs: what the child ticket and a briefing carry (context, description, title, the parent's history),
// and when a handoff is refused as a loop (the target twice in the lineage, or a chain deeper than the limit).
import { describe, expect, it } from 'vitest';
import { briefingTicket, DEFAULT_HANDOFF_DEPTH_LIMIT, handoffChild, handoffLoop, lineageText, type LineageStep } from '../../src/core/handoff.js';
import type { AuditEvent, TicketStatus } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

const KEY = 'T-2026-007';
const parent = makeTicket({ key: KEY, title: 'Refund', description: 'Refund order 42, please.', context: { order: '42' } });

let nextId = 1;
function ev(at: string, actor: string, action: string, o: { from?: TicketStatus; to?: TicketStatus; note?: string } = {}): AuditEvent {
  return { id: nextId++, ticketKey: KEY, at: new Date(at), actor, action, fromStatus: o.from ?? null, toStatus: o.to ?? null, note: o.note ?? null, data: {} };
}

const NAMES = new Map([
  ['U0ANN', 'ann'],
  ['U0IRIS', 'iris'],
]);

const trail = [
  ev('2026-03-02T00:05:00Z', 'U0ANN', 'filed', { to: 'intake' }),
  ev('2026-03-02T09:06:00Z', 'baton', 'assigned', { from: 'intake', to: 'active', note: 'routed to iris' }),
  ev('2026-03-02T10:30:00Z', 'agent:iris', 'commented', { note: 'Asked <@U0ANN> for\n the   invoice' }),
  ev('2026-03-02T11:00:00Z', 'U0IRIS', 'handed_off', { from: 'active', to: 'active' }),
];

/** The history part of a description: what follows `History of KEY:`. */
const historyOf = (description: string, key = KEY) => description.split(`History of ${key}:\n`)[1]!;

describe('handoffChild: the child ticket a handoff files', () => {
  it('when a handoff has a note and a sender, then the child says who handed it off and why, keeps the request, and is titled by the note', () => {
    const child = handoffChild(parent, trail, 'iris', 'Check the VAT\nwith finance', { names: NAMES });
    expect(child.context).toEqual({ order: '42', handoff_from: KEY });
    expect(child.title).toBe(`Check the VAT (from ${KEY})`);
    expect(child.description).toBe(
      [
        `Handed off from ${KEY} (Refund) by iris: Check the VAT\nwith finance`,
        '',
        'Original request:',
        'Refund order 42, please.',
        '',
        `History of ${KEY}:`,
        '• 2 Mar, 00:05 ann filed',
        '• 2 Mar, 09:06 Baton assigned (intake → active): routed to iris',
        '• 2 Mar, 10:30 iris commented: Asked @ann for the invoice',
        '• 2 Mar, 11:00 iris handed off',
      ].join('\n'),
    );
  });

  it('when a handoff has neither note nor sender, then the head names only the parent and the child keeps the parent’s title', () => {
    const child = handoffChild(parent, [], null, undefined);
    expect(child.title).toBe(`Refund (from ${KEY})`);
    expect(child.description).toBe(`Handed off from ${KEY} (Refund)\n\nOriginal request:\nRefund order 42, please.\n\nHistory of ${KEY}:\n`);
  });

  it('when the note starts with blanks, then the title is its first line trimmed', () => {
    expect(handoffChild(parent, [], 'iris', '  Call the bank  \nthen reply').title).toBe(`Call the bank (from ${KEY})`);
  });

  it('when the parent was itself a handoff, then the child points at its direct parent', () => {
    const second = makeTicket({ key: 'T-2026-009', context: { order: '42', handoff_from: KEY } });
    expect(handoffChild(second, [], 'devin', undefined).context).toEqual({ order: '42', handoff_from: 'T-2026-009' });
    expect(second.context).toEqual({ order: '42', handoff_from: KEY });
  });

  it('when the request and the note are too long, then the description is cut to 4000 characters and the title to 200, each ending with …', () => {
    const child = handoffChild(makeTicket({ key: KEY, description: 'd'.repeat(5000) }), [], 'iris', 'n'.repeat(300));
    expect(child.description).toHaveLength(4000);
    expect(child.description.endsWith('d…')).toBe(true);
    expect(child.title).toHaveLength(200);
    expect(child.title).toBe(`${'n'.repeat(199)}…`);
  });
});

describe('the history a handoff or briefing carries', () => {
  it('when no names are known, then Slack users read as their IDs, agents without the `agent:` prefix, and mentions stay as typed', () => {
    const history = historyOf(handoffChild(parent, trail, null, undefined).description);
    expect(history).toBe(
      [
        '• 2 Mar, 00:05 U0ANN filed',
        '• 2 Mar, 09:06 Baton assigned (intake → active): routed to iris',
        '• 2 Mar, 10:30 iris commented: Asked <@U0ANN> for the invoice',
        '• 2 Mar, 11:00 U0IRIS handed off',
      ].join('\n'),
    );
  });

  it('when a time zone is configured, then the times are in it, on a 24-hour clock', () => {
    const history = historyOf(handoffChild(parent, trail, null, undefined, { timeZone: 'America/New_York' }).description);
    expect(history.split('\n').map((l) => l.slice(0, 15))).toEqual(['• 1 Mar, 19:05 ', '• 2 Mar, 04:06 ', '• 2 Mar, 05:30 ', '• 2 Mar, 06:00 ']);
  });

  it('when an actor named "agent:" only at its end or an unnamed actor appears, then it is shown as it is', () => {
    const odd = [ev('2026-03-02T09:00:00Z', 'Ubaton', 'commented'), ev('2026-03-02T09:01:00Z', 'xagent:iris', 'commented')];
    expect(historyOf(handoffChild(parent, odd, null, undefined, { names: NAMES }).description)).toBe(
      '• 2 Mar, 09:00 Ubaton commented\n• 2 Mar, 09:01 xagent:iris commented',
    );
  });

  it('when a status changes only on one side, then no move is shown; an unknown action reads with spaces', () => {
    const events = [ev('2026-03-02T09:00:00Z', 'baton', 'some_new_action', { from: 'active' }), ev('2026-03-02T09:01:00Z', 'baton', 'resolved', { from: 'active', to: 'completed' })];
    expect(historyOf(handoffChild(parent, events, null, undefined).description)).toBe(
      '• 2 Mar, 09:00 Baton some new action\n• 2 Mar, 09:01 Baton resolved (active → completed)',
    );
  });

  it('when a note is long, then only its first 160 characters are kept, on one line', () => {
    const note = `${'a'.repeat(100)}\n\n${'b'.repeat(100)}`;
    const history = historyOf(handoffChild(parent, [ev('2026-03-02T09:00:00Z', 'baton', 'commented', { note })], null, undefined).description);
    expect(history).toBe(`• 2 Mar, 09:00 Baton commented: ${'a'.repeat(100)} ${'b'.repeat(59)}`);
  });

  const many = (n: number) => Array.from({ length: n }, (_, i) => ev(new Date(Date.UTC(2026, 2, 2, 9, i)).toISOString(), 'baton', 'commented', { note: `step ${i + 1}` }));

  it('when the trail has 15 entries, then all are shown', () => {
    const lines = historyOf(handoffChild(parent, many(15), null, undefined).description).split('\n');
    expect(lines).toHaveLength(15);
    expect(lines[0]).toBe('• 2 Mar, 09:00 Baton commented: step 1');
  });

  it('when the trail has 16 or 17 entries, then the last 15 are shown after a count of the earlier ones', () => {
    const sixteen = historyOf(handoffChild(parent, many(16), null, undefined).description).split('\n');
    expect(sixteen).toHaveLength(16);
    expect(sixteen[0]).toBe('• …1 earlier entry');
    expect(sixteen[1]).toBe('• 2 Mar, 09:01 Baton commented: step 2');
    expect(sixteen[15]).toBe('• 2 Mar, 09:15 Baton commented: step 16');
    const seventeen = historyOf(briefingTicket(parent, many(17), null).description).split('\n');
    expect(seventeen).toHaveLength(16);
    expect(seventeen[0]).toBe('• …2 earlier entries');
    expect(seventeen[1]).toBe('• 2 Mar, 09:02 Baton commented: step 3');
  });
});

describe('briefingTicket: the ticket filed for an agent listed in requires-handoff', () => {
  it('when the ticket was resolved with a resolution, then the briefing says so, keeps the request and the history', () => {
    const b = briefingTicket(parent, trail.slice(0, 2), 'Refunded 42 EUR', { names: NAMES, timeZone: 'Europe/Paris' });
    expect(b).toEqual({
      title: `Briefing: Refund (${KEY})`,
      description: [
        `Briefing: ${KEY} (Refund) was resolved: Refunded 42 EUR.`,
        '',
        'Original request:',
        'Refund order 42, please.',
        '',
        `History of ${KEY}:`,
        '• 2 Mar, 01:05 ann filed',
        '• 2 Mar, 10:06 Baton assigned (intake → active): routed to iris',
      ].join('\n'),
      context: { order: '42', briefing_for: KEY },
    });
  });

  it('when the ticket was resolved without a resolution, then the briefing ends the sentence there', () => {
    expect(briefingTicket(parent, [], null).description.split('\n')[0]).toBe(`Briefing: ${KEY} (Refund) was resolved.`);
  });

  it('when the ticket is long, then the title is cut to 200 characters and the description to 4000', () => {
    const b = briefingTicket(makeTicket({ key: KEY, title: 't'.repeat(300), description: 'd'.repeat(5000) }), [], null);
    expect(b.title).toBe(`Briefing: ${'t'.repeat(189)}…`);
    expect(b.description).toHaveLength(4000);
    expect(b.description.endsWith('d…')).toBe(true);
  });
});

const step = (key: string, agent: string | null): LineageStep => ({ key, agent });

describe('lineageText', () => {
  it('when a lineage is shown, then each ticket reads with its agent, intake where it had none, and the refused target last', () => {
    const lineage = [step('T-1', 'iris'), step('T-2', null), step('T-3', 'devin')];
    expect(lineageText(lineage)).toBe('T-1 iris → T-2 intake → T-3 devin');
    expect(lineageText(lineage, 'iris')).toBe('T-1 iris → T-2 intake → T-3 devin → iris');
    expect(lineageText(lineage, null)).toBe('T-1 iris → T-2 intake → T-3 devin → intake');
  });
});

describe('handoffLoop: refusing runaway handoffs', () => {
  it('the default depth limit is 8 handoffs', () => {
    expect(DEFAULT_HANDOFF_DEPTH_LIMIT).toBe(8);
  });

  it('when there is no lineage, then nothing is refused', () => {
    expect(handoffLoop([], 'iris', 8)).toBeNull();
  });

  it('when the target appears once in the lineage, then the handoff goes through', () => {
    expect(handoffLoop([step('T-1', 'iris'), step('T-2', 'devin')], 'iris', 8)).toBeNull();
  });

  it('when the target already appears twice (iris → devin → iris → devin, to iris), then it is refused with the lineage', () => {
    const lineage = [step('T-1', 'iris'), step('T-2', 'devin'), step('T-3', 'iris'), step('T-4', 'devin')];
    expect(handoffLoop(lineage, 'iris', 8)).toBe(
      'T-4 would go to iris a third time in its handoff chain (T-1 iris → T-2 devin → T-3 iris → T-4 devin → iris). Resolve it, escalate it, or hand it to someone new.',
    );
  });

  it('when the target appears twice but not next to each other, then it is refused all the same', () => {
    const lineage = [step('T-1', 'iris'), step('T-2', 'devin'), step('T-3', 'max'), step('T-4', 'iris'), step('T-5', 'max')];
    expect(handoffLoop(lineage, 'iris', 8)).toMatch(/^T-5 would go to iris a third time/);
  });

  it('when a handoff goes back to intake (no target), then intake steps are not counted as a loop', () => {
    const lineage = [step('T-1', null), step('T-2', 'iris'), step('T-3', null)];
    expect(handoffLoop(lineage, null, 8)).toBeNull();
  });

  it('when the new child would be handoff number 8 of a limit of 8, then it goes through', () => {
    const lineage = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((a, i) => step(`T-${i + 1}`, a));
    expect(handoffLoop(lineage, 'z', 8)).toBeNull();
  });

  it('when the new child would be handoff number 9 of a limit of 8, then it is refused with the count and the lineage', () => {
    const lineage = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((a, i) => step(`T-${i + 1}`, a));
    expect(handoffLoop(lineage, 'z', 8)).toBe(
      'T-9 has been handed off 8 times in a row (T-1 a → T-2 b → T-3 c → T-4 d → T-5 e → T-6 f → T-7 g → T-8 h → T-9 i); at most 8 are allowed (`HANDOFF_DEPTH_LIMIT`). Resolve it or escalate it.',
    );
    expect(handoffLoop(lineage, null, 8)).toMatch(/^T-9 has been handed off 8 times in a row/);
  });

  it('when the limit is lower, then it applies: 2 handoffs allowed, a third refused', () => {
    expect(handoffLoop([step('T-1', 'a'), step('T-2', 'b')], 'c', 2)).toBeNull();
    expect(handoffLoop([step('T-1', 'a'), step('T-2', 'b'), step('T-3', 'c')], 'd', 2)).toBe(
      'T-3 has been handed off 2 times in a row (T-1 a → T-2 b → T-3 c); at most 2 are allowed (`HANDOFF_DEPTH_LIMIT`). Resolve it or escalate it.',
    );
  });

  it('when both rules are broken, then the loop is the reason given', () => {
    const lineage = [step('T-1', 'iris'), step('T-2', 'devin'), step('T-3', 'iris')];
    expect(handoffLoop(lineage, 'iris', 1)).toMatch(/^T-3 would go to iris a third time/);
  });
});
