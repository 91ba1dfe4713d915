// Block Kit message builders. Pure functions: no Slack client, no database, no clock reads
// (callers pass `now` and `timeZone`).
//
// Every builder takes ORIGINAL user text (titles, descriptions, context, notes, reasons…) and
// escapes it itself. Where a caller composes its own text (`threadUpdate`, list titles) it passes
// `Part`s: plain strings are escaped, `raw(...)` is trusted mrkdwn (see ../text.ts). Never escape
// before calling a builder, or the reader will see `&amp;lt;`.
export { ticketDetail } from './detail.js';
export { escalationHomeReply, escalationPing, escalationPingTakenOver, escalationsChannelNotice } from './escalation.js';
export { help } from './help.js';
export { managersMessage, managersSummary } from './managers.js';
export type { SlackMessage } from './kit.js';
export { agentList, ticketList } from './lists.js';
export { cardDeclined, cardOfRemovedAgent, cardTakenBack } from './roster.js';
export { childResolvedNotice, handoffNotice, heldAssignedNotice, intakeReply, reopenedNotice, resolutionNotice, threadUpdate } from './notices.js';
export { ACTIONS, assignmentCard } from './ticketCard.js';
export { routingExplanation, whyBlocks } from './why.js';
