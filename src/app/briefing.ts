// The daily briefing: each agent channel gets its open tickets and what completed or escalated since the
// last briefing; the escalations channel gets the overview. Sent once per scheduled slot however many
// copies run: the slot is claimed in the same transaction that writes the messages.
import { agentBriefings, briefingSince, overview } from '../core/briefing.js';
import { listAgents } from '../storage/agents.js';
import { briefingFacts, queueState } from '../storage/briefing.js';
import { claimSlot, previousRunAt } from '../storage/scheduleRuns.js';
import { inTransaction, type Deps } from './context.js';

export async function sendBriefing(deps: Deps, slot: string): Promise<{ sent: boolean; agents: string[] }> {
  return inTransaction(deps, async (uow) => {
    if (!(await claimSlot(uow.tx, 'briefing', slot, uow.now))) return { sent: false, agents: [] };
    const since = briefingSince(await previousRunAt(uow.tx, 'briefing', slot), uow.now);
    const agents = await listAgents(uow.tx);
    const facts = await briefingFacts(uow.tx, agents.map((a) => a.handle), since);

    const briefings = agentBriefings(agents, facts);
    for (const b of briefings) {
      uow.send({ ticketKey: null, idempotencyKey: `briefing:${slot}:${b.agent.handle}`, channel: b.agent.channel, ...deps.render.agentBriefing(b, since) });
    }

    if (deps.escalationsChannel) {
      const o = overview(since, await queueState(uow.tx, uow.now), facts);
      if (o) uow.send({ ticketKey: null, idempotencyKey: `briefing:${slot}:managers`, channel: deps.escalationsChannel, ...deps.render.managersBriefing(o) });
    }
    return { sent: true, agents: briefings.map((b) => b.agent.handle) };
  });
}
