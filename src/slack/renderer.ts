// The Block Kit builders behind the use cases' Renderer port.
import type { Renderer } from '../app/renderer.js';
import type { Clock } from '../core/clock.js';
import * as b from './blocks/index.js';
import { agentBriefing, managersBriefing } from './briefingBlocks.js';
import { messageLink } from './text.js';

export function blockKitRenderer(clock: Clock, timeZone: string): Renderer {
  const when = () => ({ now: clock.now(), timeZone });
  return {
    assignment: (t, agent, o) => b.assignmentCard(t, agent, { ...when(), ...o }),
    intakeReply: (t, agent) => b.intakeReply(t, agent),
    threadUpdate: (t, parts) => b.threadUpdate(t, parts),
    handoffNotice: (parent, child, to, note) => b.handoffNotice(parent, child, to, note),
    childResolved: (parent, child, note, user) => b.childResolvedNotice(parent, child, note, user),
    resolution: (t, note, by) => b.resolutionNotice(t, note, by ?? undefined),
    heldAssigned: (t, agent) => b.heldAssignedNotice(t, agent),
    reopened: (t, o) => b.reopenedNotice(t, o),
    escalationPing: (t, target, o) => b.escalationPing(t, target, { ...o, ...when() }),
    escalationPingTakenOver: (t, taker) => b.escalationPingTakenOver(t, taker),
    cardOfRemovedAgent: (t, removed, to) => b.cardOfRemovedAgent(t, removed, to),
    cardTakenBack: (t, from, why, to) => b.cardTakenBack(t, from, why, to),
    cardDeclined: (t, by, reason, to) => b.cardDeclined(t, by, reason, to),
    escalationHomeReply: (t, target, level, note) => b.escalationHomeReply(t, target, level, note),
    escalationsNotice: (t, o) => b.escalationsChannelNotice(t, { ...o, ...when() }),
    managersMessage: (t, latest) => b.managersMessage(t, { latest, homeLink: t.home ? messageLink(t.home) : undefined }),
    managersSummary: (tickets) => b.managersSummary(tickets),
    ticketDetail: (t, trail, d) =>
      b.ticketDetail(t, trail, {
        ...when(),
        dueZone: d?.dueZone ?? undefined,
        ...(d?.why ? { why: d.why } : {}),
        homeLink: t.home ? messageLink(t.home) : undefined,
        originLink: t.origin ? messageLink(t.origin) : undefined,
      }),
    agentBriefing: (br, since) => agentBriefing(br, { since, ...when() }),
    managersBriefing: (o) => managersBriefing(o, when()),
  };
}
