// The cast of `npm run demo` and how it narrates: step headers, what each person types or presses,
// Baton's private answers, the transcripts and the closing facts.
import type { Ticket } from '../src/core/types.js';
import type { FakeSlack, FakeSlackCall } from '../fake-slack/index.js';

/** A step that did not happen: its message says which and why. */
export class DemoFailure extends Error {
  readonly detail: string | undefined;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'DemoFailure';
    this.detail = cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);
  }
}

export interface Person {
  id: string;
  name: string;
  realName: string;
}

export interface Channel {
  id: string;
  name: string;
}

const person = (id: string, name: string, realName: string): Person => ({ id, name, realName });

export const cast = {
  people: {
    ada: person('UADA0001', 'ada', 'Ada (ops lead, Baton admin)'),
    dana: person('UDANA001', 'dana', 'Dana (customer success)'),
    iris: person('UIRIS001', 'iris', 'Iris (support agent)'),
    devin: person('UDEVIN01', 'devin', 'Devin (engineering agent)'),
    felix: person('UFELIX01', 'felix', 'Felix (decisions)'),
  },
  channels: {
    ops: { id: 'COPS0001', name: 'ops' },
    helpdesk: { id: 'CHELPDESK', name: 'help-desk' },
    devin: { id: 'CDEVIN01', name: 'agent-devin' },
    felix: { id: 'CFELIX01', name: 'agent-felix' },
    escalations: { id: 'CESCALATE', name: 'escalations' },
  },
} satisfies { people: Record<string, Person>; channels: Record<string, Channel> };

const WIDTH = 100;

/** Slack markup in Baton's answers, as a person would read it. */
function readable(text: string, fake: FakeSlack | undefined): string {
  const names = new Map<string, string>(Object.values(cast.people).map((p) => [p.id, p.name]));
  if (fake) names.set(fake.botUserId, fake.botName);
  return text
    .replace(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${names.get(id) ?? id}`)
    .replace(/<#([CGD][A-Z0-9_]+)\|([^>]*)>/g, (_m, _id: string, name: string) => `#${name}`)
    .replace(/<#([CGD][A-Z0-9_]+)>/g, (_m, id: string) => `#${fake?.channelName(id) ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function indent(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((l, i) => `${i === 0 ? first : rest}${l}`)
    .join('\n');
}

export function createNarrator(write: (s: string) => void = (s) => console.log(s)) {
  let step = 0;
  let fake: FakeSlack | undefined;
  let started = 0;
  const where = (c: Channel | null) => (c ? ` in #${c.name}` : '');
  return {
    currentStep: () => step,
    /** Names of users and channels (including those Baton creates) come from the Slack stand-in. */
    useFake(f: FakeSlack) {
      fake = f;
    },
    line: (s: string) => write(s),
    banner(title: string, lines: string[]) {
      write('='.repeat(WIDTH));
      write(` ${title}`);
      for (const l of lines) write(` ${l}`);
      write('='.repeat(WIDTH));
    },
    step(title: string) {
      step += 1;
      if (step === 1) started = Date.now();
      write('');
      write(`${step}. ${title}   (t+${((Date.now() - started) / 1000).toFixed(1)} s)`);
    },
    typed(who: Person, channel: Channel | null, text: string) {
      write(indent(readable(text, fake), `   @${who.name}${where(channel)} › `, '       '));
    },
    pressed(who: Person, channel: Channel, label: string, key: string) {
      write(`   @${who.name} in #${channel.name} › presses [${label}] on ${key}`);
    },
    answer(who: Person, text: string) {
      write(indent(readable(text, fake), `     ↳ only @${who.name} sees: `, '       '));
    },
    /** Lines of an answer's blocks, under the answer. */
    detail(lines: string[]) {
      for (const l of lines) write(`       | ${readable(l, fake)}`);
    },
    waiting(text: string) {
      write(`   … ${text}`);
    },
    saw(text: string) {
      write(`   ✓ ${text}`);
    },

    /** Each channel's transcript, in story order, then any channel not listed. */
    transcripts(fake: FakeSlack, order: Channel[]) {
      write('');
      write('='.repeat(WIDTH));
      write(' What each channel shows  (↳ = thread reply, | = message blocks, [Label](action=value) = button)');
      write('='.repeat(WIDTH));
      const ids = new Set(fake.messages().map((m) => m.channel));
      const listed = order.filter((c) => ids.has(c.id)).map((c) => c.id);
      const rest = [...ids].filter((id) => !listed.includes(id));
      for (const id of [...listed, ...rest]) {
        write('');
        write(fake.transcript({ channel: id }).trimEnd());
      }
    },

    /** The tickets as Baton's database has them, and who received what in Slack. */
    facts(tickets: Ticket[], fake: FakeSlack, roles: Record<string, string>) {
      const nameOf = (id: string | null) => {
        const p = Object.values(cast.people).find((x) => x.id === id);
        return p ? `@${p.name}` : (id ?? '-');
      };
      write('');
      write('='.repeat(WIDTH));
      write(' Key facts');
      write('='.repeat(WIDTH));
      write('');
      write(' Tickets (from Baton\'s database):');
      for (const t of tickets) {
        const bits = [
          `${t.type}/${t.priority}`,
          t.status,
          t.assignee ? `assignee ${t.assignee}` : 'unassigned',
          `filed by ${nameOf(t.requester)}`,
          t.context.customer ? `customer ${t.context.customer}` : '',
          t.parentKey ? `child of ${t.parentKey}` : '',
          t.escalationLevel ? `escalation level ${t.escalationLevel}` : '',
        ].filter(Boolean);
        write(`   ${t.key}  ${roles[t.key] ?? ''}${roles[t.key] ? ': ' : ''}"${t.title}"`);
        write(`              ${bits.join(' · ')}`);
        if (t.resolution) write(`              resolution: ${t.resolution}`);
      }
      write('');
      write(' Who got what in Slack (messages Baton posted):');
      const byChannel = new Map<string, FakeSlackCall[]>();
      for (const p of fake.posts()) {
        const ch = String(p.response?.channel ?? p.args.channel);
        byChannel.set(ch, [...(byChannel.get(ch) ?? []), p]);
      }
      for (const [channel, posts] of byChannel) {
        const top = posts.filter((p) => !p.args.thread_ts);
        const replies = posts.length - top.length;
        const kinds = top.map((p) => {
          const blocks = JSON.stringify(p.args.blocks ?? []);
          const key = /T-\d{4}-\d{3,}/.exec(JSON.stringify(p.args))?.[0] ?? '';
          const kind = blocks.includes('"ticket_takeover"')
            ? 'escalation ping'
            : blocks.includes('"ticket_resolve"')
              ? 'card'
              : channel.startsWith('D')
                ? 'DM'
                : 'notice';
          return `${kind} ${key}${roles[key] ? ` (${roles[key]})` : ''}`;
        });
        const label = channel.startsWith('D') ? `DM to ${nameOf(`U${channel.slice(1)}`)}` : `#${fake.channelName(channel) ?? channel}`;
        write(`   ${label.padEnd(16)} ${kinds.join(', ')}`);
        if (replies) write(`   ${''.padEnd(16)} + ${replies} thread repl${replies === 1 ? 'y' : 'ies'} (updates under the cards)`);
      }
      write('');
    },
  };
}
