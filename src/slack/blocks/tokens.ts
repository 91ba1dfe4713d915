// The answers to `/agent token`: the token itself appears only here, in the ephemeral answer to whoever asked.
import { handleText } from '../text.js';
import type { Answer } from './outcomes.js';

export function tokenIssued(r: { agent: { handle: string }; token: string; replaced: boolean }): Answer {
  const who = handleText(r.agent.handle);
  return {
    text:
      `:key: A new API token for ${who} (shown only this once; store it as a secret):\n\`${r.token}\`\n` +
      `Send it as \`Authorization: Bearer …\` to \`/api/v1\` or \`/mcp\`.` +
      (r.replaced ? ` The previous token of ${who} no longer works.` : ''),
  };
}

export function tokenRevoked(r: { agent: { handle: string }; revoked: boolean }): Answer {
  const who = handleText(r.agent.handle);
  return { text: r.revoked ? `:no_entry: The API token of ${who} is revoked.` : `${who} has no API token; nothing to revoke.` };
}
