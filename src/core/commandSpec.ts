// What `/ticket` and `/agent` accept, declared once: every subcommand's form, its `name:` options,
// the usage line its refusals quote and its help entry. The parser reads the options and usage
// lines from here; `help` renders the same entries.

/** A `name:value` option and the placeholder its usage shows for the value. */
export interface OptionSpec {
  name: string;
  value: string;
}

export interface SubcommandSpec {
  /** The form, e.g. `/ticket show KEY`: quoted by usage answers and shown by help. */
  synopsis: string;
  /** An example the usage answers add after the form (`…, e.g. /ticket show T-2026-001`). */
  example?: string;
  /** The form help shows when it is shorter than the synopsis. */
  helpSynopsis?: string;
  /** What help says about it, with its own example. */
  help: string;
  /** The `name:` options it takes (others are refused or, for `/ticket new`, kept as context). */
  options?: readonly OptionSpec[];
}

export interface CommandSpec<Sub extends string> {
  command: 'ticket' | 'agent';
  /** In the order help lists them and refusals name them. */
  subcommands: Readonly<Record<Sub, SubcommandSpec>>;
  /** The notes under the help entries. */
  footer: string;
}

const form = (o: OptionSpec) => `${o.name}:${o.value}`;
const optional = (options: readonly OptionSpec[]) => options.map((o) => `[${form(o)}]`).join(' ');
const oneOf = (options: readonly OptionSpec[]) => `[${options.map(form).join('|')}]`;

const NEW_OPTIONS: readonly OptionSpec[] = [
  { name: 'type', value: 'T' },
  { name: 'priority', value: 'P' },
  { name: 'escalate', value: 'DUR' },
  { name: 'assign', value: 'HANDLE' },
  { name: 'handoff', value: 'H1,H2' },
  { name: 'follows', value: 'KEY' },
  { name: 'dedup', value: 'KEY' },
];

const [SKILLS, ...AGENT_SETTINGS] = [
  { name: 'skills', value: 'a,b' },
  { name: 'channel', value: '#…' },
  { name: 'user', value: '@…' },
  { name: 'capacity', value: 'N' },
  { name: 'escalates-to', value: 'HANDLE' },
  { name: 'ack', value: 'DUR|none' },
  { name: 'heartbeat', value: 'DUR|none' },
  { name: 'hours', value: '"Mon-Fri 09:00-17:30"' },
  { name: 'tz', value: 'ZONE' },
] as const satisfies readonly OptionSpec[];
const AGENT_OPTIONS: readonly OptionSpec[] = [SKILLS, ...AGENT_SETTINGS];
/** What only `/agent update` sets: how Baton reaches the agent outside Slack. */
const UPDATE_OPTIONS: readonly OptionSpec[] = [...AGENT_OPTIONS, { name: 'webhook', value: 'URL|none' }, { name: 'a2a', value: 'URL|none' }];

const BUSY_OPTIONS: readonly OptionSpec[] = [
  { name: 'for', value: 'DUR' },
  { name: 'until', value: 'HH:MM' },
];

/** A command's spec; its `help` subcommand comes last. */
function defineCommand<S extends Record<string, SubcommandSpec>>(command: 'ticket' | 'agent', subcommands: S, footer: string) {
  const help: SubcommandSpec = { synopsis: `/${command} help`, help: 'This help.' };
  return { command, subcommands: { ...subcommands, help }, footer } satisfies CommandSpec<string>;
}

export const TICKET_SPEC = defineCommand(
  'ticket',
  {
    new: {
      synopsis: `/ticket new ${optional(NEW_OPTIONS)} [name:value…] TITLE`,
      help: 'File a ticket. Answers with its key and assignee, or why it waits in intake. Any other `name:value` goes into the context. With `dedup:KEY`, while a ticket filed with that key is open, filing again creates nothing and answers with that ticket. With no text it opens a form.\nExample: `/ticket new type:billing priority:high customer:acme Refund not received`',
      options: NEW_OPTIONS,
    },
    show: {
      synopsis: '/ticket show KEY',
      example: '/ticket show T-2026-001',
      help: 'The ticket, its context, why it went where it is and its audit trail. Example: `/ticket show T-2026-001`',
    },
    why: {
      synopsis: '/ticket why KEY',
      example: '/ticket why T-2026-001',
      help: 'How routing decided: the rule that chose the assignee and why each other candidate was not chosen, or what keeps each agent from taking a waiting ticket. Example: `/ticket why T-2026-001`',
    },
    list: {
      synopsis: '/ticket list [mine|intake|active|completed|HANDLE] [page:N]',
      help: 'Tickets by priority, then age, 50 a page. Example: `/ticket list intake`, then `/ticket list intake page:2`',
    },
    assign: {
      synopsis: '/ticket assign KEY HANDLE',
      example: '/ticket assign T-2026-001 iris',
      help: 'Assign (or reassign) a ticket. Example: `/ticket assign T-2026-001 iris`',
    },
    handoff: {
      synopsis: '/ticket handoff KEY HANDLE|skill:TYPE [note]',
      example: '/ticket handoff T-2026-001 iris needs a refund',
      help: 'Hand off to another agent (or `skill:TYPE`: whoever has that skill, never back to you) as a child ticket; this one waits on it. Example: `/ticket handoff T-2026-001 devin needs a code fix`',
    },
    resolve: {
      synopsis: '/ticket resolve KEY [force] [note]',
      help: 'Resolve; the requester is told. A ticket waiting on an open handoff is refused unless `force` (that handoff is then closed too). Example: `/ticket resolve T-2026-001 refunded`',
    },
    reopen: {
      synopsis: '/ticket reopen KEY [note]',
      help: 'Reopen a completed ticket. Example: `/ticket reopen T-2026-001 still broken`',
    },
    escalate: {
      synopsis: '/ticket escalate KEY [note]',
      help: 'Escalate now to the next agent of the chain. Example: `/ticket escalate T-2026-001 customer is angry`',
    },
    wait: {
      synopsis: '/ticket wait KEY [question]',
      example: '/ticket wait T-2026-001 which invoice number?',
      help: 'Wait on the requester: the question goes to them (where they filed it, or by DM) and the escalation clock stops until they reply in the thread or `/ticket resume`. Example: `/ticket wait T-2026-001 which invoice number?`',
    },
    resume: {
      synopsis: '/ticket resume KEY',
      example: '/ticket resume T-2026-001',
      help: 'Start the escalation clock of a ticket waiting on its requester again, with the time it had left. Example: `/ticket resume T-2026-001`',
    },
    next: {
      synopsis: '/ticket next HANDLE',
      example: '/ticket next iris',
      help: 'The agent pulls the most urgent intake ticket it can take. Example: `/ticket next iris`',
    },
  },
  'Options are leading `name:value` tokens; the first other word starts the title. Handles: `iris`, `@iris` or a mention of the agent’s user. Durations: `90s`, `30m`, `4h`, `1d`, `1h30m`. Priorities: urgent, high, normal, low. In a ticket’s thread, mention Baton with `accept`, `resolve [note]`, `handoff HANDLE [note]`, `escalate [note]`, `decline REASON`, `wait [question]`, `resume` or `status`.',
);

export const AGENT_SPEC = defineCommand(
  'agent',
  {
    add: {
      synopsis: `/agent add HANDLE ${form(SKILLS)} ${optional(AGENT_SETTINGS)}`,
      help: 'Add an agent (admins). Without a channel Baton creates #agent-HANDLE. `capacity:` is 1–100000 or `unlimited` (default 5); `escalates-to:` may name an agent not added yet. `ack:DUR`: an assignment not accepted within DUR is taken back, routed to another agent, and the agent is unavailable until heard from. `heartbeat:DUR`: an agent not heard from for DUR gets no new work; after another DUR its tickets are taken back and routed elsewhere. `hours:"Mon-Fri 09:00-17:30" tz:Europe/Paris`: outside its hours it takes no new work and its tickets’ escalation clock stops (default `always`, UTC).\nExample: `/agent add iris skills:billing,refunds user:@iris-bot capacity:5 escalates-to:felix` (with `@iris-bot` picked from Slack’s suggestions)',
      options: AGENT_OPTIONS,
    },
    update: {
      synopsis: `/agent update HANDLE ${optional(UPDATE_OPTIONS)}`,
      helpSynopsis: '/agent update HANDLE [same options] [webhook:URL|none] [a2a:URL|none]',
      help: 'Change an agent (admins). `webhook:URL` makes Baton POST the agent’s events there, signed with a secret shown once to you; `webhook:none` stops them. `a2a:URL` makes it an A2A agent: Baton reads its Agent Card at `URL/.well-known/agent-card.json` and sends it its tickets (`a2a:none` stops). Example: `/agent update iris capacity:8`',
      options: UPDATE_OPTIONS,
    },
    remove: {
      synopsis: '/agent remove HANDLE',
      help: 'Remove an agent (admins); its open tickets go back to intake and are routed again.',
    },
    list: {
      synopsis: '/agent list',
      help: 'The roster: skills, channel, user, load, availability (and why not), acknowledgement and heartbeat, escalation chain.',
    },
    busy: {
      synopsis: `/agent busy HANDLE ${oneOf(BUSY_OPTIONS)} [reason]`,
      example: '/agent busy iris for:2h at the dentist',
      help: 'Mark an agent busy (admins or the agent’s own user). Example: `/agent busy iris for:2h offsite`',
      options: BUSY_OPTIONS,
    },
    available: {
      synopsis: '/agent available HANDLE',
      help: 'Mark an agent available again. Example: `/agent available iris`',
    },
    token: {
      synopsis: '/agent token HANDLE [revoke]',
      example: '/agent token iris',
      help: 'A new API token for the agent, shown once, only to you; the old one stops working. `revoke` revokes it (admins or the agent’s own user). Example: `/agent token iris`',
    },
  },
  'For `channel:` and `user:`, type `#` or `@` and pick the channel or person from Slack’s suggestions, so Slack sends a link (a plain `#name` or `@name` typed out is refused); an ID like `C0123ABCD` or `U0123ABCD` works too. Durations: `90s`, `30m`, `4h`, `1d`, `1h30m`. `user:none` / `escalates-to:none` / `ack:none` / `heartbeat:none` / `hours:always` clear a value. Hours: days and a 24-hour range, `Mon-Fri 09:00-17:30`, `Mon,Wed,Fri 08:00-12:00` or across midnight `Mon-Fri 22:00-06:00`; `tz:` an IANA zone such as `Europe/Paris`.',
);

/** The usage line a refusal quotes: the form in code, and its example when it has one. */
export function usageLine(sub: SubcommandSpec): string {
  return '`' + sub.synopsis + '`' + (sub.example ? `, e.g. \`${sub.example}\`` : '');
}

/** The option names of a subcommand, in the order its usage shows them. */
export function optionNames(sub: SubcommandSpec): string[] {
  return (sub.options ?? []).map((o) => o.name);
}

/** `` `skills:`, `channel:` `` — option names as refusals list them. */
export function optionList(names: readonly string[]): string {
  return names.map((n) => '`' + n + ':`').join(', ');
}

/** The subcommand words, in order, as refusals list them. */
export function subcommandList(spec: CommandSpec<string>): string {
  return Object.keys(spec.subcommands)
    .map((s) => '`' + s + '`')
    .join(', ');
}
