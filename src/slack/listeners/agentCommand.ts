// `/agent`: the roster and availability.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { addAgent, removeAgent, rosterWithLoad, setAvailable, setBusy, updateAgent } from '../../app/agents.js';
import { checkAddable } from '../../app/queries.js';
import { issueToken, revokeToken } from '../../app/tokens.js';
import type { AgentCommand } from '../../core/commands.js';
import { busyUntil } from '../../core/duration.js';
import { DomainError } from '../../core/errors.js';
import { parseAgentCommand } from '../../core/parse/index.js';
import { user } from '../../core/permissions.js';
import { decodeOptional } from '../answers.js';
import * as b from '../blocks/index.js';
import * as say from '../blocks/outcomes.js';
import { tokenIssued, tokenRevoked } from '../blocks/tokens.js';
import { answerCommand, commandFromCaller, type SlackDeps } from '../context.js';

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

async function bestEffort(sd: SlackDeps, what: string, fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    sd.logger.info({ err: (e as { data?: { error?: string } }).data?.error ?? String(e), what }, 'optional Slack call failed');
  }
}

async function runAgentCommand(sd: SlackDeps, cmd: AgentCommand, caller: string, client: WebClient): Promise<say.Answer> {
  const { deps } = sd;
  const by = user(caller);
  switch (cmd.kind) {
    case 'help':
      return b.help('agent');
    case 'list':
      return b.agentList(await rosterWithLoad(deps), { now: deps.clock.now(), timeZone: deps.timeZone });
    case 'add': {
      const { kind: _k, ...input } = cmd;
      await checkAddable(deps, by, input);
      const channel = input.channel ?? (await createAgentChannel(client, cmd.handle));
      if (input.channel) await bestEffort(sd, 'conversations.join', () => client.conversations.join({ channel }));
      if (input.user) await bestEffort(sd, 'conversations.invite', () => client.conversations.invite({ channel, users: input.user! }));
      return say.agentAdded(await addAgent(deps, by, { ...input, channel }));
    }
    case 'update': {
      const { kind: _k, ...input } = cmd;
      if (input.channel) await bestEffort(sd, 'conversations.join', () => client.conversations.join({ channel: input.channel! }));
      const r = await updateAgent(deps, by, input);
      // As `add` does: the agent's user is invited into its (new) channel.
      const { channel, user: member } = r.agent;
      if ((input.channel || input.user) && member) await bestEffort(sd, 'conversations.invite', () => client.conversations.invite({ channel, users: member }));
      return say.agentUpdated({ ...r, a2aChanged: input.a2a !== undefined });
    }
    case 'remove':
      return say.agentRemoved(await removeAgent(deps, by, cmd.agent));
    case 'busy': {
      const until = busyUntil(deps.clock.now(), cmd, deps.timeZone);
      return say.agentBusy(await setBusy(deps, by, cmd.agent, { until, reason: decodeOptional(cmd.reason) }), deps.timeZone);
    }
    case 'available':
      return say.agentAvailable(await setAvailable(deps, by, cmd.agent));
    case 'token':
      return cmd.revoke ? tokenRevoked(await revokeToken(deps, by, cmd.agent)) : tokenIssued(await issueToken(deps, by, cmd.agent));
  }
}

export function registerAgentCommand(app: App, sd: SlackDeps): void {
  app.command('/agent', async ({ command, ack, respond, client }) => {
    const c = await commandFromCaller(command, ack);
    if (c) await answerCommand(sd, '/agent', async () => runAgentCommand(sd, parseAgentCommand(c.text), c.caller, client), ack, respond);
  });
}
