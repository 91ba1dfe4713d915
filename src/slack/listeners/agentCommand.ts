// `/agent`: the roster and availability.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { addAgent, agentExists, removeAgent, rosterWithLoad, setAvailable, setBusy, updateAgent } from '../../app/agents.js';
import { agentByUserId } from '../../app/queries.js';
import type { AgentCommand, AgentRef } from '../../core/commands.js';
import { nextOccurrence } from '../../core/duration.js';
import { DomainError, unknownAgent } from '../../core/errors.js';
import { parseAgentCommand } from '../../core/parse.js';
import { assertCanManageRoster, user } from '../../core/permissions.js';
import type { Answer } from '../answers.js';
import { decodeOptional } from '../answers.js';
import * as b from '../blocks.js';
import { answerInTime, commandInput, NO_CALLER, type SlackDeps } from '../context.js';
import { escapeText, formatTime, handleText, mentionChannel } from '../text.js';

/** Without `channel:`, Baton creates `#agent-HANDLE`. */
async function createAgentChannel(client: WebClient, handle: string): Promise<string> {
  const name = `agent-${handle}`.slice(0, 80);
  try {
    const res = await client.conversations.create({ name });
    const id = (res.channel as { id?: string } | undefined)?.id;
    if (!id) throw new Error('conversations.create returned no channel');
    return id;
  } catch (e) {
    const err = (e as { data?: { error?: string } }).data?.error;
    if (err === 'name_taken') {
      throw new DomainError('conflict', `A channel #${name} already exists; pick it with \`channel:#${name}\` (choose it from Slack's list so it becomes a link).`, 'channel');
    }
    throw new DomainError('conflict', `Baton could not create #${name}${err ? ` (Slack said \`${err}\`)` : ''}; create a channel and pass it with \`channel:\`.`, 'channel');
  }
}

/** The checks of `addAgent` that need the roster, run before any Slack side effect. */
async function assertAddable(sd: SlackDeps, input: { handle: string; user?: string | null; escalatesTo?: AgentRef | null }) {
  if (input.user) {
    const other = await agentByUserId(sd.deps, input.user);
    if (other) throw new DomainError('conflict', `<@${input.user}> is already the user of agent ${other.handle}.`, 'user');
  }
  const to = input.escalatesTo;
  if (to) {
    if ('handle' in to) {
      if (!(await agentExists(sd.deps, to.handle))) throw unknownAgent(to.handle);
    } else if (!(await agentByUserId(sd.deps, to.user))) {
      throw new DomainError('unknown_agent', `<@${to.user}> is not an agent. \`/agent list\` shows the roster.`, 'handle');
    }
  }
}

async function bestEffort(sd: SlackDeps, what: string, fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    sd.logger.info({ err: (e as { data?: { error?: string } }).data?.error ?? String(e), what }, 'optional Slack call failed');
  }
}

export async function runAgentCommand(sd: SlackDeps, cmd: AgentCommand, caller: string, client: WebClient): Promise<Answer> {
  const { deps } = sd;
  const by = user(caller);
  switch (cmd.kind) {
    case 'help':
      return b.help('agent');
    case 'list': {
      const agents = await rosterWithLoad(deps);
      return b.agentList(agents, { now: deps.clock.now(), timeZone: deps.timeZone });
    }
    case 'add': {
      assertCanManageRoster(by, deps.policy);
      if (await agentExists(deps, cmd.handle)) {
        throw new DomainError('agent_exists', `There is already an agent \`${cmd.handle}\`; use \`/agent update\` to change it.`, 'handle');
      }
      const { kind: _k, ...input } = cmd;
      // Refuse what addAgent would refuse before Baton creates a Slack channel that would then be left over.
      await assertAddable(sd, input);
      const channel = input.channel ?? (await createAgentChannel(client, cmd.handle));
      if (input.channel) await bestEffort(sd, 'conversations.join', () => client.conversations.join({ channel }));
      if (input.user) await bestEffort(sd, 'conversations.invite', () => client.conversations.invite({ channel, users: input.user! }));
      const r = await addAgent(deps, by, { ...input, channel });
      const held = r.assigned.length ? ` It took ${r.assigned.length} held ticket(s): ${r.assigned.join(', ')}.` : '';
      return { text: `:wave: Added ${handleText(r.agent.handle)} (skills: ${escapeText(r.agent.skills.join(', '))}) in ${mentionChannel(r.agent.channel)}.${held}` };
    }
    case 'update': {
      const { kind: _k, ...input } = cmd;
      if (input.channel) await bestEffort(sd, 'conversations.join', () => client.conversations.join({ channel: input.channel! }));
      const r = await updateAgent(deps, by, input);
      const held = r.assigned.length ? ` It took ${r.assigned.length} held ticket(s): ${r.assigned.join(', ')}.` : '';
      return { text: `:pencil2: Updated ${handleText(r.agent.handle)}.${held}` };
    }
    case 'remove': {
      const r = await removeAgent(deps, by, cmd.agent);
      const moved = r.rerouted.length
        ? ` Its open tickets went back to intake: ${r.rerouted.map((x) => `${x.key} → ${x.to ?? 'waiting'}`).join(', ')}.`
        : '';
      return { text: `:wave: Removed ${handleText(r.agent.handle)}.${escapeText(moved)}` };
    }
    case 'busy': {
      const now = deps.clock.now();
      const until = cmd.forSec
        ? new Date(now.getTime() + cmd.forSec * 1000)
        : cmd.until
          ? nextOccurrence(now, cmd.until.hour, cmd.until.minute, deps.timeZone)
          : null;
      const r = await setBusy(deps, by, cmd.agent, { until, reason: decodeOptional(cmd.reason) });
      const when = until ? ` until ${formatTime(until, deps.timeZone)}` : ' until `/agent available`';
      return { text: `:no_entry: ${handleText(r.agent.handle)} is busy${when}${r.agent.busyReason ? ` (${escapeText(r.agent.busyReason)})` : ''}. New work waits in intake.` };
    }
    case 'available': {
      const r = await setAvailable(deps, by, cmd.agent);
      const held = r.assigned.length ? ` Assigned from intake: ${r.assigned.join(', ')}.` : '';
      return { text: `:large_green_circle: ${handleText(r.agent.handle)} is available.${held}` };
    }
  }
}

export function registerAgentCommand(app: App, sd: SlackDeps): void {
  app.command('/agent', async ({ command, ack, respond, client }) => {
    if (!commandInput(command).user) {
      await ack({ response_type: 'ephemeral', ...NO_CALLER });
      return;
    }
    await answerInTime(
      sd,
      '/agent',
      async () => runAgentCommand(sd, parseAgentCommand(commandInput(command).text), commandInput(command).user!, client),
      async (a) => ack({ response_type: 'ephemeral', ...(a as object), text: a.text }),
      async (a) => {
        await respond({ response_type: 'ephemeral', replace_original: false, ...(a as object), text: a.text });
      },
    );
  });
}
