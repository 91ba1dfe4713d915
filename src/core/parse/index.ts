// Pure parsers for the text of `/ticket` and `/agent` and of thread replies that mention Baton.
// Every refusal is `invalid(message, field)` with a Slack mrkdwn message saying which option or
// argument was wrong, what was given and what is allowed.
export { parseAgentCommand } from './agentCommand.js';
export { intakeTicketText } from './intakeMessage.js';
export { tokenizeOptions, type OptionToken, type Tokenized } from './options.js';
export { sanitizeText } from './text.js';
export { closestThreadVerb, parseThreadVerb, stripBotMention, THREAD_VERBS, threadVerbHelp } from './threadVerb.js';
export { parseTicketCommand } from './ticketCommand.js';
export { parseAgentRef, parseHandoffTarget, parseChannelRef, parseHandle, parseTicketKey, parseTicketType, parseUserRef } from './values.js';
