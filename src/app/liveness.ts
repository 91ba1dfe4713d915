// Knowing agents are alive: being heard from (a call with the agent's token, a heartbeat, an action in Slack by its
// user), and the sweep's two checks: assignments not acknowledged within `ack:`, and agents silent past `heartbeat:`.
import { ackReason, isGone, isSilent, markHeard, markUnresponsive, silentReason, silentSince } from '../core/routing.js';
import { getAgent, lockAgents, saveAgent } from '../storage/agents.js';
import { agentsGoneSilent, lockTicketsOfGoneAgents, lockUnacknowledged, touchAgents } from '../storage/liveness.js';
import { releaseHeld } from './assignment.js';
import { inBatches, inTransaction, type BatchOptions, type Deps } from './context.js';
import { takeBack } from './takeBack.js';

/**
 * The agent (by its handle, or every agent of a Slack user) was heard from now: its silence clock starts again,
 * and one marked unresponsive is available again, with held work offered to it at once. One cheap statement
 * unless it was unresponsive.
 */
export async function heardFrom(deps: Deps, who: { handle: string } | { user: string }, how: 'api' | 'mcp' | 'slack'): Promise<string[]> {
  const touched = await touchAgents(deps.database.db, who, deps.clock.now());
  const back: string[] = [];
  for (const { handle } of touched.filter((a) => a.unresponsive)) {
    const revived = await inTransaction(deps, async (uow) => {
      const [agent] = await lockAgents(uow.tx, [handle]);
      if (!agent || agent.unresponsive === null) return false;
      const was = agent.unresponsiveReason;
      markHeard(agent, uow.now);
      await saveAgent(uow.tx, agent);
      await uow.audit({ ticketKey: `agent:${handle}`, actor: `agent:${handle}`, action: 'responsive', note: `heard from again (${how === 'slack' ? 'in Slack' : `via ${how}`})`, data: { was } });
      await releaseHeld(uow, handle);
      return true;
    });
    if (revived) back.push(handle);
  }
  return back;
}

/**
 * The sweep: every assignment not accepted within its assignee's `ack:` is taken back and routed to another agent
 * (never the same one), and the agent becomes unavailable with the reason until it is heard from. Tickets are
 * claimed with FOR UPDATE SKIP LOCKED and leave the query in the same transaction, so each is taken back once
 * however many copies sweep.
 */
export async function takeBackUnacknowledged(deps: Deps, o: BatchOptions = {}): Promise<string[]> {
  return inBatches(deps, o, { batch: 50, maxBatches: 20 }, async (uow, batch) => {
    const due = await lockUnacknowledged(uow.tx, uow.now, batch);
    for (const t of due) {
      const [agent] = await lockAgents(uow.tx, [t.assignee!]);
      if (!agent || agent.ackAfterSec === null) continue;
      const why = ackReason(t.key, agent.ackAfterSec);
      if (agent.unresponsive === null) {
        markUnresponsive(agent, 'unacknowledged', why, uow.now);
        await saveAgent(uow.tx, agent);
        await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: 'baton', action: 'unresponsive', note: why, data: { ticket: t.key } });
      }
      await takeBack(uow, t, agent, 'unacknowledged', why);
    }
    return due.map((t) => t.key);
  });
}

/**
 * The sweep: an agent not heard from for one `heartbeat:` period is marked silent (no new work, reason
 * "silent since 10:42"); after another period its active tickets are taken back and routed elsewhere
 * ("iris went silent"). Each agent is marked once and each ticket taken back once, whatever the copies.
 */
export async function checkHeartbeats(deps: Deps, o: BatchOptions = {}): Promise<{ silent: string[]; takenBack: string[] }> {
  const silent: string[] = [];
  for (const handle of await agentsGoneSilent(deps.database.db, deps.clock.now())) {
    const marked = await inTransaction(deps, async (uow) => {
      const [agent] = await lockAgents(uow.tx, [handle]);
      if (!agent || agent.unresponsive !== null || !isSilent(agent, uow.now)) return false;
      const why = silentReason(silentSince(agent)!, deps.timeZone);
      markUnresponsive(agent, 'silent', why, uow.now);
      await saveAgent(uow.tx, agent);
      await uow.audit({ ticketKey: `agent:${handle}`, actor: 'baton', action: 'unresponsive', note: why });
      return true;
    });
    if (marked) silent.push(handle);
  }
  const takenBack = await inBatches(deps, o, { batch: 50, maxBatches: 20 }, async (uow, batch) => {
    const due = await lockTicketsOfGoneAgents(uow.tx, uow.now, batch);
    for (const t of due) {
      const agent = await getAgent(uow.tx, t.assignee!);
      if (!agent || !isGone(agent, uow.now)) continue;
      await takeBack(uow, t, agent, 'silent', `${agent.handle} went silent`);
    }
    return due.map((t) => t.key);
  });
  return { silent, takenBack };
}
