import type { MessageRef } from '../core/types.js';

/** A link to a Slack message that works in any workspace the reader belongs to. */
export function messageLink(ref: MessageRef): string {
  return `https://slack.com/archives/${encodeURIComponent(ref.channel)}/p${ref.ts.replace('.', '')}`;
}
