import type { ViewOutput } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { messageBlockErrors, viewErrors } from '../../fake-slack/blockLimits.js';
import type { Agent, AuditEvent, Ticket } from '../../src/core/types.js';
import { makeAgent, makeTicket } from '../support/fixtures.js';
import {
  ACTIONS,
  agentList,
  assignmentCard,
  childResolvedNotice,
  escalationHomeReply,
  escalationPing,
  escalationsChannelNotice,
  handoffNotice,
  help,
  intakeReply,
  resolutionNotice,
  threadUpdate,
  ticketDetail,
  ticketList,
  type SlackMessage,
} from '../../src/slack/blocks/index.js';
import {
  escapeText,
  formatAge,
  formatTime,
  link,
  md,
  mentionChannel,
  mentionUser,
  messageLink,
  priorityLabel,
  raw,
  cutMrkdwn,
  cutSlackText,
} from '../../src/slack/text.js';
import { formatDuration } from '../../src/core/duration.js';
import {
  HANDOFF_CALLBACK_ID,
  HANDOFF_IDS,
  NEW_TICKET_CALLBACK_ID,
  NEW_TICKET_IDS,
  handoffModal,
  newTicketModal,
  readHandoffModal,
  readModalMetadata,
  readNewTicketModal,
  type ModalStateValues,
  type ModalView,
} from '../../src/slack/views.js';

const NOW = new Date('2026-11-24T14:05:00Z');
const TZ = 'UTC';
const EVIL =
  '<!channel> <!here> <!everyone> <!subteam^S1> <@U1> <#C1> <https://evil|x> <http://evil2> @here & done';

const HOME = messageLink({ channel: 'CAGENT1', ts: '1700000000.000100' });
const ORIGIN = messageLink({ channel: 'CINTAKE1', ts: '1700000000.000200' });

/** A ticket as the blocks tests need it: urgent, assigned to iris, with an origin and a home message. */
const ticket = (over: Partial<Ticket> = {}): Ticket =>
  makeTicket({
    title: 'Refund not received',
    description: 'Customer says the refund never arrived.',
    priority: 'urgent',
    assignee: 'iris',
    requester: 'UREQ1',
    context: { customer: 'acme', issue: 'refund' },
    origin: { channel: 'CINTAKE1', ts: '1700000000.000200' },
    home: { channel: 'CAGENT1', ts: '1700000000.000100' },
    createdAt: new Date('2026-11-24T12:00:00Z'),
    assignedAt: new Date('2026-11-24T12:00:01Z'),
    clockStartedAt: new Date('2026-11-24T12:00:01Z'),
    escalateDueAt: new Date('2026-11-24T12:15:01Z'),
    ...over,
  });

/** iris, who escalates to felix. */
const agent = (over: Partial<Agent> = {}): Agent =>
  makeAgent('iris', { skills: ['billing', 'refunds'], channel: 'CAGENT1', user: 'UAGENT1', escalatesTo: 'felix', ...over });

function trail(n: number, note: string, actor = 'UREQ1'): AuditEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    ticketKey: 'T-2026-001',
    at: new Date(NOW.getTime() - (n - i) * 60_000),
    actor: i % 4 === 0 ? actor : i % 4 === 1 ? 'baton' : i % 4 === 2 ? 'agent:iris' : 'UBY1',
    action: i === 0 ? 'created' : 'note',
    fromStatus: i === 0 ? null : 'intake',
    toStatus: 'active',
    note,
    data: {},
  }));
}

/** Every string anywhere in a JSON value, with the key it sits under. */
function strings(v: unknown, key = '', out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof v === 'string') out.push([key, v]);
  else if (Array.isArray(v)) for (const x of v) strings(x, key, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, k, out);
  return out;
}

/** The only `<…>` tokens Baton itself may produce in these fixtures. */
const ALLOWED_TOKEN =
  /^<(@(UREQ1|UAGENT1|UTARGET1|UBY1|UASSIGNEE1)|#CAGENT1|#CFELIX1|https:\/\/slack\.com\/archives\/[A-Z0-9]+\/p\d+\|[^<>|]*)>$/;

function assertSafe(name: string, value: unknown): void {
  for (const [key, s] of strings(value)) {
    if (key === 'initial_value' || key === 'private_metadata') continue;
    expect(s, `${name}.${key}`).not.toMatch(/<!/);
    expect(s, `${name}.${key}`).not.toMatch(/<@U1>|<#C1>|<https?:\/\/evil/);
    // every remaining `<` must open one of our own tokens
    const tokens = s.match(/<[^>]*>?/g) ?? [];
    for (const tok of tokens) expect(tok, `${name}.${key}`).toMatch(ALLOWED_TOKEN);
    // bare broadcasts are neutralised too
    expect(s, `${name}.${key}`).not.toMatch(/@(here|channel|everyone)\b/i);
  }
}

function assertWithinLimits(name: string, m: SlackMessage): void {
  expect(messageBlockErrors(m.blocks), name).toEqual([]);
  expect(m.blocks.length, name).toBeLessThanOrEqual(50);
  expect(m.blocks.length, name).toBeGreaterThan(0);
  expect(m.text.length, name).toBeLessThanOrEqual(3000);
  expect(m.text.length, name).toBeGreaterThan(0);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
      expect(o.text.length, name).toBeLessThanOrEqual(3000);
      expect(o.text.length, name).toBeGreaterThan(0);
    }
    if (o.type === 'section' && Array.isArray(o.fields)) {
      expect(o.fields.length, name).toBeLessThanOrEqual(10);
      for (const f of o.fields as Array<{ text: string }>) expect(f.text.length, name).toBeLessThanOrEqual(2000);
    }
    if (o.type === 'context') expect((o.elements as unknown[]).length, name).toBeLessThanOrEqual(10);
    Object.values(o).forEach(walk);
  };
  walk(m.blocks);
}

/** Every builder, fed the given ticket/agent/notes. */
function everyBuilder(t: Ticket, a: Agent, note: string, events: AuditEvent[]): Record<string, SlackMessage> {
  const child = ticket({ ...t, key: 'T-2026-002', parentKey: t.key, assignee: 'devin', resolution: note });
  const parent = ticket({ ...t, waitingOn: 'T-2026-002' });
  const target = agent({ handle: 'felix', user: 'UTARGET1', channel: 'CFELIX1' });
  return {
    assignmentCard: assignmentCard(t, a, {
      now: NOW,
      timeZone: TZ,
      originLink: ORIGIN,
      parentLink: HOME,
      takenOverFrom: { agent: note, link: HOME },
    }),
    assignmentCardPlain: assignmentCard(t, agent({ user: null }), { now: NOW, timeZone: TZ }),
    handoffNotice: handoffNotice(parent, child, target, note, HOME),
    handoffNoticeNoLink: handoffNotice(parent, child, target, note),
    childResolvedNotice: childResolvedNotice(parent, child, note, 'UASSIGNEE1'),
    childResolvedNoticeNoNote: childResolvedNotice(parent, child),
    resolutionNotice: resolutionNotice(t, note, 'UBY1'),
    resolutionNoticeEvilBy: resolutionNotice(t, note, note),
    intakeReplyAssigned: intakeReply(t, a),
    intakeReplyWaiting: intakeReply(ticket({ ...t, status: 'intake', holdReason: note }), null),
    threadUpdate: threadUpdate(t, ['Accepted by ', raw(mentionUser('UBY1')), ': ', note]),
    threadUpdateString: threadUpdate(t, `Reopened: ${note}`),
    escalationPing: escalationPing(t, target, {
      level: 2,
      fromAgent: note,
      homeLink: HOME,
      now: NOW,
      timeZone: TZ,
      note,
    }),
    escalationHomeReply: escalationHomeReply(t, target, 2, note),
    escalationHomeReplyExhausted: escalationHomeReply(t, null, 3, note),
    escalationsChannelNotice: escalationsChannelNotice(t, {
      level: 2,
      fromAgent: note,
      toAgent: note,
      homeLink: HOME,
      reason: 'stale',
      now: NOW,
      timeZone: TZ,
    }),
    escalationsChannelNoticeExhausted: escalationsChannelNotice(t, {
      level: 3,
      fromAgent: 'iris',
      toAgent: null,
      reason: 'manual',
      now: NOW,
      timeZone: TZ,
      exhausted: true,
    }),
    ticketDetail: ticketDetail(parent, events, { now: NOW, timeZone: TZ, homeLink: HOME, originLink: ORIGIN }),
    ticketList: ticketList(note, [t, parent, child], { now: NOW, timeZone: TZ }),
    ticketListEmpty: ticketList(note, [], { now: NOW, timeZone: TZ }),
    agentList: agentList(
      [
        { ...a, active: 3 },
        { ...a, handle: 'x', busy: true, busyUntil: new Date(NOW.getTime() + 3600_000), busyReason: note, active: 0 },
        { ...a, handle: 'y', active: 0, webhook: { failing: { error: note, at: NOW, gaveUp: true } } },
      ],
      { now: NOW, timeZone: TZ },
    ),
    helpTicket: help('ticket'),
    helpAgent: help('agent'),
  };
}

describe('text helpers', () => {
  it('escapes &, < and > so mentions and links are literal', () => {
    expect(escapeText('a & b <!channel> <@U1> <http://x|y>')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt;',
    );
    expect(escapeText('&lt;')).toBe('&amp;lt;');
    expect(escapeText('@here')).not.toBe('@here');
    expect(escapeText('@here').replace('\u2060', '')).toBe('@here');
    expect(escapeText('mail me@hereford.com')).toBe('mail me@hereford.com');
  });

  it('md escapes strings and passes raw parts', () => {
    expect(md(['<b> ', raw('<@U1>')])).toBe('&lt;b&gt; <@U1>');
    expect(md('x<y')).toBe('x&lt;y');
  });

  it('truncates with a visible mark', () => {
    expect(cutSlackText('hello', 10)).toBe('hello');
    expect(cutSlackText('hello world', 6)).toBe('hello…');
    expect(cutSlackText('hello world', 6)).toHaveLength(6);
    // never splits a surrogate pair
    expect(cutSlackText('ab😀cd', 4)).toBe('ab…');
    // never leaves half an entity or a half token
    expect(cutMrkdwn('ab &amp; cd', 6)).toBe('ab …');
    expect(cutMrkdwn('see <https://x.y|label> now', 10)).toBe('see …');
  });

  it('builds links and mentions', () => {
    expect(messageLink({ channel: 'C123', ts: '1700000000.000100' })).toBe(
      'https://slack.com/archives/C123/p1700000000000100',
    );
    expect(link('https://a.b/c', 'a|b <c>')).toBe('<https://a.b/c|a¦b &lt;c&gt;>');
    expect(link('javascript:alert(1)', 'x')).toBe('x');
    expect(mentionUser('U0ABC')).toBe('<@U0ABC>');
    expect(mentionUser('W0ABC')).toBe('<@W0ABC>');
    expect(mentionUser('<!here>')).toBe('&lt;!here&gt;');
    expect(mentionUser('u123')).toBe('u123');
    expect(mentionChannel('C0ABC')).toBe('<#C0ABC>');
    expect(mentionChannel('#general>')).toBe('#general&gt;');
  });

  it('formats times, ages and durations', () => {
    expect(formatTime(new Date('2025-11-25T14:05:00Z'), 'UTC')).toBe('Tue 25 Nov 14:05 UTC');
    expect(formatTime(new Date('2025-11-25T14:05:00Z'), 'Europe/Berlin')).toMatch(/^Tue 25 Nov 15:05 /);
    expect(formatTime(new Date('2025-11-25T14:05:00Z'), 'Not/AZone')).toBe('Tue 25 Nov 14:05 UTC');
    // Remembered by zone and minute: the same minute in another zone, and the next minute, are their own.
    expect(formatTime(new Date('2025-11-25T14:05:59Z'), 'UTC')).toBe('Tue 25 Nov 14:05 UTC');
    expect(formatTime(new Date('2025-11-25T14:05:59Z'), 'America/New_York')).toMatch(/^Tue 25 Nov 09:05 /);
    expect(formatTime(new Date('2025-11-25T14:06:00Z'), 'UTC')).toBe('Tue 25 Nov 14:06 UTC');
    expect(formatTime(new Date('2025-11-25T14:05:00Z'), 'America/New_York')).toMatch(/^Tue 25 Nov 09:05 /);
    expect(formatTime(new Date(NaN), 'UTC')).toBe('unknown time');
    const base = new Date('2026-01-01T00:00:00Z');
    const at = (s: number) => new Date(base.getTime() + s * 1000);
    expect(formatAge(base, at(10))).toBe('<1m');
    expect(formatAge(base, at(180))).toBe('3m');
    expect(formatAge(base, at(2 * 3600 + 300))).toBe('2h 5m');
    expect(formatAge(base, at(2 * 3600))).toBe('2h');
    expect(formatAge(base, at(4 * 86400 + 7200))).toBe('4d');
    expect(formatAge(at(60), base)).toBe('<1m');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(900)).toBe('15m');
    expect(formatDuration(86400)).toBe('1d');
    expect(priorityLabel('urgent')).toBe(':red_circle: urgent');
    expect(priorityLabel('low')).toBe(':large_blue_circle: low');
  });
});

describe('assignment card', () => {
  const m = assignmentCard(ticket(), agent(), { now: NOW, timeZone: TZ, originLink: ORIGIN });

  it('has exactly the four buttons, each carrying the key', () => {
    const acts = m.blocks.filter((b) => b.type === 'actions');
    expect(acts).toHaveLength(1);
    const els = (acts[0] as { elements: Array<{ type: string; action_id: string; value: string; style?: string }> })
      .elements;
    expect(els.map((e) => e.action_id)).toEqual(['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate']);
    for (const e of els) {
      expect(e.type).toBe('button');
      expect(e.value).toBe('T-2026-001');
    }
    expect(els[1]?.style).toBe('primary');
    expect(els[3]?.style).toBe('danger');
    expect(JSON.stringify(els[3])).not.toContain('confirm');
  });

  it("mentions the agent's user, in the blocks and the notification text", () => {
    expect(m.text).toContain('<@UAGENT1>');
    expect(JSON.stringify(m.blocks)).toContain('<@UAGENT1> you have a new ticket');
  });

  it('shows key, priority, type, title, requester, context and origin link', () => {
    const json = JSON.stringify(m.blocks);
    for (const s of ['T-2026-001', ':red_circle:', 'urgent', 'billing', 'Refund not received', '<@UREQ1>', 'customer', 'acme']) {
      expect(json).toContain(s);
    }
    expect(json).toContain(`<${ORIGIN}|where it came from>`);
  });

  it('names the agent by handle when it has no user', () => {
    const p = assignmentCard(ticket(), agent({ user: null }), { now: NOW, timeZone: TZ });
    expect(JSON.stringify(p)).not.toContain('<@UAGENT1>');
    expect(p.text).toContain('@iris you have a new ticket');
  });
});

describe('escalation ping', () => {
  it('carries a ticket_takeover button with the key, mentions the target and links home', () => {
    const m = escalationPing(ticket(), agent({ handle: 'felix', user: 'UTARGET1' }), {
      level: 1,
      fromAgent: 'iris',
      homeLink: HOME,
      now: NOW,
      timeZone: TZ,
    });
    const acts = m.blocks.filter((b) => b.type === 'actions');
    expect(acts).toHaveLength(1);
    const els = (acts[0] as { elements: Array<{ action_id: string; value: string }> }).elements;
    expect(els.map((e) => [e.action_id, e.value])).toEqual([[ACTIONS.takeover, 'T-2026-001']]);
    expect(ACTIONS.takeover).toBe('ticket_takeover');
    expect(m.text).toContain('<@UTARGET1>');
    expect(JSON.stringify(m.blocks)).toContain(`<${HOME}|`);
    expect(JSON.stringify(m.blocks)).toContain('2h 5m');
  });
});

describe('other builders', () => {
  it('says where a handoff went and what came back', () => {
    const p = ticket({ waitingOn: 'T-2026-002' });
    const c = ticket({ key: 'T-2026-002', assignee: 'devin' });
    const h = handoffNotice(p, c, agent({ handle: 'devin' }), 'needs a fix');
    expect(h.blocks.map((b) => JSON.stringify(b)).join()).toContain('Handed off to @devin as *T-2026-002*: needs a fix');
    const r = childResolvedNotice(p, c, 'fixed', 'UASSIGNEE1');
    expect(r.text).toContain('<@UASSIGNEE1>');
    expect(JSON.stringify(r.blocks)).toContain('fixed');
    expect(JSON.stringify(r.blocks)).toMatch(/clock .* restarted/);
  });

  it('resolution, intake, escalation replies', () => {
    expect(resolutionNotice(ticket(), 'done', 'UBY1').text).toContain(
      '*T-2026-001* *Refund not received* was resolved by <@UBY1>: done',
    );
    expect(intakeReply(ticket(), agent()).text).toContain('assigned to @iris');
    expect(intakeReply(ticket({ status: 'intake', holdReason: 'no agent has skill billing' })).text).toContain(
      'waiting in intake: no agent has skill billing',
    );
    expect(escalationHomeReply(ticket(), agent({ handle: 'felix' }), 2).text).toContain('Escalated to @felix (level 2)');
    expect(escalationHomeReply(ticket(), null, 3).text).toContain('Escalation chain exhausted — managers notified');
  });

  it('lists tickets, caps at 50 lines and says how many more', () => {
    const many = Array.from({ length: 60 }, (_, i) => ticket({ key: `T-2026-${String(i + 1).padStart(3, '0')}` }));
    const m = ticketList('Active', many, { now: NOW, timeZone: TZ });
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('T-2026-050');
    expect(json).not.toContain('T-2026-051');
    expect(json).toContain('…and 10 more');
    expect(JSON.stringify(ticketList('Intake', [], { now: NOW, timeZone: TZ }).blocks)).toContain('No tickets.');
  });

  it('ticket detail shows the latest 40 audit events and how many were omitted', () => {
    const m = ticketDetail(ticket({ escalationLevel: 1, escalatedTo: 'felix' }), trail(55, 'n'), { now: NOW, timeZone: TZ });
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('last pinged @felix');
    expect(json).toContain('15 earlier events omitted');
    expect(json).toContain('level 1 · after 15m');
    expect(json).toContain('<@UBY1>');
    expect(json).toContain('Baton');
    expect(json).toContain('intake → active');
  });

  it('agent list shows load, channel, user and availability', () => {
    const json = JSON.stringify(
      agentList(
        [
          { ...agent(), active: 3 },
          { ...agent({ handle: 'max', busy: true, busyUntil: new Date('2026-11-24T16:00:00Z'), busyReason: 'offsite' }), active: 1 },
        ],
        { now: NOW, timeZone: TZ },
      ).blocks,
    );
    for (const s of ['load 3/5', '<#CAGENT1>', '<@UAGENT1>', 'busy until Tue 24 Nov 16:00 UTC (offsite)', 'escalates to @felix']) {
      expect(json).toContain(s);
    }
  });

  it('when an agent has a webhook, then the roster says whether it works, and a failing one its last error, escaped', () => {
    const json = JSON.stringify(
      agentList(
        [
          { ...agent(), active: 0, webhook: { failing: null } },
          { ...agent({ handle: 'max' }), active: 0, webhook: { failing: { error: 'HTTP 500: <!here> down', at: new Date('2026-11-24T16:00:00Z'), gaveUp: false } } },
          { ...agent({ handle: 'nia' }), active: 0, webhook: { failing: { error: 'HTTP 410', at: new Date('2026-11-24T16:05:00Z'), gaveUp: true } } },
          { ...agent({ handle: 'ode' }), active: 0 },
        ],
        { now: NOW, timeZone: TZ },
      ).blocks,
    );
    expect(json).toContain('webhook ok');
    expect(json).toContain('webhook failing, retrying (last at Tue 24 Nov 16:00 UTC): HTTP 500: &lt;!here&gt; down');
    expect(json).toContain('webhook refused an event for good (last at Tue 24 Nov 16:05 UTC): HTTP 410');
    expect(json).not.toContain('<!here>');
    expect(json.match(/webhook/g)).toHaveLength(3);
  });

  it('help covers every subcommand', () => {
    const t = JSON.stringify(help('ticket').blocks);
    for (const c of ['new', 'show', 'list', 'assign', 'handoff', 'resolve', 'reopen', 'escalate', 'next']) {
      expect(t).toContain(`/ticket ${c}`);
    }
    const a = JSON.stringify(help('agent').blocks);
    for (const c of ['add', 'update', 'remove', 'list', 'busy', 'available']) expect(a).toContain(`/agent ${c}`);
  });
});

describe('safe text in every builder', () => {
  const evilTicket = ticket({
    title: EVIL,
    description: `${EVIL}\n${EVIL}`,
    type: `bill${EVIL}`,
    context: { customer: EVIL, [EVIL]: 'v' },
    holdReason: EVIL,
    resolution: EVIL,
    follows: 'T-2025-009',
    requiresHandoff: ['devin'],
  });
  const evilAgent = agent({ skills: [EVIL], busyReason: EVIL });
  const outputs = everyBuilder(evilTicket, evilAgent, EVIL, trail(5, EVIL, EVIL));

  for (const [name, m] of Object.entries(outputs)) {
    it(`${name}: no unescaped <!…>, user mention or link from user text`, () => {
      assertSafe(name, m);
      assertWithinLimits(name, m);
    });
  }

  it('shows the user text escaped rather than dropping it', () => {
    for (const name of ['assignmentCard', 'escalationPing', 'ticketDetail', 'resolutionNotice', 'handoffNotice']) {
      expect(JSON.stringify(outputs[name]), name).toContain('&lt;!channel&gt;');
    }
  });

  it('modals stay within the view limits', () => {
    expect(viewErrors(newTicketModal({ channel: 'C1' }))).toEqual([]);
    expect(viewErrors(handoffModal('T-2026-001', { initialNote: EVIL }))).toEqual([]);
  });

  it('modals contain no unescaped user text outside the edit boxes', () => {
    assertSafe('newTicketModal', newTicketModal({ channel: 'C1' }));
    assertSafe('handoffModal', handoffModal('T-2026-001', { initialNote: EVIL }));
  });
});

describe('limits', () => {
  const long = 'x'.repeat(5000);
  const huge = '<&>'.repeat(40_000);
  const ctx: Record<string, string> = {};
  for (let i = 0; i < 20; i++) ctx[`key${i}${'k'.repeat(40)}`] = huge.slice(0, 10_000);
  const t = ticket({ title: long, description: huge, context: ctx, holdReason: huge, resolution: huge, requiresHandoff: ['a', 'b'] });
  const outputs = everyBuilder(t, agent({ busyReason: huge }), huge, trail(200, huge));

  for (const [name, m] of Object.entries(outputs)) {
    it(`${name}: every text within Slack's limits`, () => {
      assertWithinLimits(name, m);
      assertSafe(name, m);
    });
  }

  it('cuts long values with a visible mark', () => {
    const card = JSON.stringify(outputs.assignmentCard);
    expect(card).toContain('x…');
    expect(card).not.toContain('x'.repeat(600));
    expect(outputs.assignmentCard?.text).toContain('…');
    expect(JSON.stringify(outputs.resolutionNotice)).toContain('…');
    // a cut never leaves half an entity behind
    for (const [, s] of strings(outputs)) expect(s).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…/);
  });

  it('keeps the buttons when there is too much to show', () => {
    const acts = outputs.assignmentCard?.blocks.filter((b) => b.type === 'actions') ?? [];
    expect(acts).toHaveLength(1);
  });
});

describe('modals', () => {
  /** What Slack sends back on submit: each input's block_id/action_id with the typed value. */
  function submit(view: ModalView, typed: Record<string, string>): ModalStateValues {
    const values: ModalStateValues = {};
    for (const b of view.blocks as Array<{ type: string; block_id?: string; element?: unknown }>) {
      if (b.type !== 'input' || !b.block_id) continue;
      const el = b.element as { type: string; action_id?: string; initial_option?: { value: string } };
      const id = el.action_id ?? '';
      if (el.type === 'static_select') {
        const v = typed[id] ?? el.initial_option?.value;
        values[b.block_id] = { [id]: { type: el.type, selected_option: v ? { value: v } : null } };
      } else {
        values[b.block_id] = { [id]: { type: el.type, value: typed[id] ?? null } };
      }
    }
    return values;
  }

  it('new ticket modal: ids, fields and metadata', () => {
    const v = newTicketModal({ channel: 'C0CHAN' });
    expect(v.type).toBe('modal');
    expect(v.callback_id).toBe(NEW_TICKET_CALLBACK_ID);
    expect(NEW_TICKET_CALLBACK_ID).toBe('ticket_new');
    expect(readModalMetadata(v.private_metadata)).toEqual({ channel: 'C0CHAN' });
    const byBlock = new Map(v.blocks.map((b) => [b.block_id, b]));
    for (const ids of Object.values(NEW_TICKET_IDS)) {
      const b = byBlock.get(ids.blockId) as { element: { action_id: string } } | undefined;
      expect(b?.element.action_id).toBe(ids.actionId);
    }
    const title = byBlock.get(NEW_TICKET_IDS.title.blockId) as { optional?: boolean; element: { max_length: number } };
    expect(title.optional).toBeFalsy();
    expect(title.element.max_length).toBe(200);
    const prio = byBlock.get(NEW_TICKET_IDS.priority.blockId) as {
      element: { type: string; options: Array<{ value: string }>; initial_option: { value: string } };
    };
    expect(prio.element.type).toBe('static_select');
    expect(prio.element.options.map((o) => o.value)).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(prio.element.initial_option.value).toBe('normal');
    expect(v.title.text.length).toBeLessThanOrEqual(24);
  });

  it('new ticket modal round-trips', () => {
    const v = newTicketModal();
    expect(readModalMetadata(v.private_metadata)).toEqual({});
    const values = submit(v, {
      title: '  Refund not received ',
      description: 'long\ntext',
      type: 'billing',
      priority: 'high',
      context: 'customer: acme\n\norder: 42: a\nnonsense',
      handoff: '@devin, max  felix',
      escalate: '30m',
      assign: '@iris',
      follows: 't-2026-001',
    });
    expect(readNewTicketModal(values)).toEqual({
      title: 'Refund not received',
      description: 'long\ntext',
      type: 'billing',
      priority: 'high',
      context: { customer: 'acme', order: '42: a' },
      contextErrors: ['nonsense'],
      handoff: ['devin', 'max', 'felix'],
      escalate: '30m',
      assign: 'iris',
      follows: 'T-2026-001',
    });
    // empty optional inputs, initial priority
    expect(readNewTicketModal(submit(v, { title: 'x' }))).toEqual({
      title: 'x',
      description: '',
      priority: 'normal',
      context: {},
      contextErrors: [],
      handoff: [],
    });
  });

  it('readers tolerate missing blocks and bad metadata', () => {
    expect(readNewTicketModal({})).toEqual({ title: '', description: '', context: {}, contextErrors: [], handoff: [] });
    expect(readNewTicketModal(undefined).title).toBe('');
    expect(readNewTicketModal({ [NEW_TICKET_IDS.priority.blockId]: { priority: { selected_option: { value: 'bogus' } } } }).priority).toBeUndefined();
    expect(readHandoffModal({})).toEqual({ agent: '' });
    expect(readModalMetadata('not json')).toEqual({});
    expect(readModalMetadata('"str"')).toEqual({});
    // bolt's submitted state fits the reader's parameter type
    const bolt = {} as ViewOutput['state']['values'];
    expect(readHandoffModal(bolt)).toEqual({ agent: '' });
  });

  it('handoff modal round-trips', () => {
    const v = handoffModal('T-2026-001', { initialNote: 'see <thread> & logs' });
    expect(v.callback_id).toBe(HANDOFF_CALLBACK_ID);
    expect(HANDOFF_CALLBACK_ID).toBe('ticket_handoff');
    expect(readModalMetadata(v.private_metadata)).toEqual({ key: 'T-2026-001' });
    const note = v.blocks.find((b) => b.block_id === HANDOFF_IDS.note.blockId) as {
      optional: boolean;
      element: { multiline: boolean; initial_value: string };
    };
    expect(note.optional).toBe(true);
    expect(note.element.multiline).toBe(true);
    // the edit box holds the note verbatim (escaping it would corrupt what the user edits)
    expect(note.element.initial_value).toBe('see <thread> & logs');
    expect(readHandoffModal(submit(v, { agent: ' @devin ', note: 'needs a fix' }))).toEqual({
      agent: 'devin',
      note: 'needs a fix',
    });
    expect(readHandoffModal(submit(v, { agent: 'devin' }))).toEqual({ agent: 'devin' });
  });
});

describe('notices of a completed parent', () => {
  it('item 3: a child resolved after its parent was completed: nobody is told the parent is theirs again or that its clock restarted', () => {
    const parent = makeTicket({ key: 'T-2026-001', status: 'completed', assignee: 'iris' });
    const child = makeTicket({ key: 'T-2026-002', status: 'completed', assignee: 'devin', resolution: 'fixed', parentKey: 'T-2026-001' });
    const m = childResolvedNotice(parent, child, 'fixed', 'UIRIS');
    const all = m.text + JSON.stringify(m.blocks);
    expect(all).not.toMatch(/yours again|restarted|<@UIRIS>/);
    expect(all).toContain('already resolved');
  });
});
