// The fake workspace as a person would read it: every channel's messages with their threads, blocks and
// attachments, mentions of known users and channels by name.
import { byTs, type Workspace } from './store.js';
import type { FakeMessage, Json } from './types.js';

/**
 * Every channel's messages, readably: a `#name (ID)` heading per channel (`DM with @name (D…)`
 * for a known user's DM), one line per message (`@baton: text`), thread replies indented under
 * their parent with `↳`, block contents under the message after `|` (section texts, fields,
 * context, and buttons as `[Label](action_id=value)`), ephemeral messages marked
 * `[only U… sees]`. Known users (and the bot) are shown by name: as authors (`@iris`,
 * `@dana ran /ticket …`, `[only @dana sees]`) and in mentions (`<@UIRIS001>` → `@iris`, a
 * known channel `<#C…>` → `#name`); unknown ids stay as they are. A first block line that only
 * repeats the message text (Slack's notification fallback) is not printed twice.
 */
export function transcript(ws: Workspace, opts: { channel?: string; ts?: boolean } = {}): string {
  const out: string[] = [];
  for (const [channel, list] of ws.channelMessages) {
    if (opts.channel !== undefined && channel !== opts.channel) continue;
    if (list.length === 0) continue;
    out.push(channelHeading(ws, channel));
    const sorted = [...list].sort(byTs);
    const byTsMap = new Set(sorted.map((m) => m.ts));
    for (const msg of sorted) {
      const isReply = msg.thread_ts !== undefined && msg.thread_ts !== msg.ts;
      if (isReply && byTsMap.has(msg.thread_ts as string)) continue;
      out.push(...renderMessage(ws, msg, '  ', isReply ? `(in thread ${msg.thread_ts}) ` : '', opts.ts));
      for (const reply of sorted.filter((m) => m.thread_ts === msg.ts && m.ts !== msg.ts)) {
        out.push(...renderMessage(ws, reply, '    ↳ ', '', opts.ts));
      }
    }
    out.push('');
  }
  return out.length ? out.join('\n') : '(no messages)\n';
}

function renderMessage(ws: Workspace, msg: FakeMessage, indent: string, prefix: string, showTs?: boolean): string[] {
  const pad = ' '.repeat([...indent].length + 2);
  const author = authorName(ws, msg);
  const flags = [
    msg.ephemeralTo ? `[only ${userLabel(ws, msg.ephemeralTo)} sees] ` : '',
    showTs ? `${msg.ts} ` : '',
    prefix,
  ].join('');
  const text = readableText(ws, msg.text);
  const textLines = (text || (msg.blocks?.length ? '' : '(no text)')).split('\n');
  const edited = msg.edited ? ' (edited)' : '';
  const sep = msg.source === 'command' ? ' ' : ': ';
  const lines = [`${indent}${flags}${author}${sep}${textLines[0] ?? ''}${textLines.length === 1 ? edited : ''}`];
  textLines.slice(1).forEach((l, i) => lines.push(`${pad}${l}${i === textLines.length - 2 ? edited : ''}`));
  const blockLines = renderBlocks(msg.blocks ?? []).map((b) => readableText(ws, b));
  // The text of a message with blocks is usually the notification fallback of its first block.
  if (blockLines[0]?.trim() && text.includes(blockLines[0].trim())) blockLines.shift();
  for (const b of blockLines) lines.push(`${pad}| ${b}`);
  for (const a of msg.attachments ?? []) {
    const raw = a?.text ?? a?.fallback;
    if (typeof raw === 'string' && raw) lines.push(`${pad}> ${readableText(ws, raw).replace(/\n/g, `\n${pad}> `)}`);
    for (const b of renderBlocks(Array.isArray(a?.blocks) ? a.blocks : [])) lines.push(`${pad}> ${readableText(ws, b)}`);
  }
  return lines;
}

function authorName(ws: Workspace, msg: FakeMessage): string {
  if (msg.source === 'command') return `${msg.user ? userLabel(ws, msg.user) : '?'} ran`;
  if (msg.user === ws.id.botUserId || (msg.bot_id && msg.bot_id === ws.id.botId)) return `@${ws.id.botName}`;
  if (msg.user) return userLabel(ws, msg.user);
  return msg.bot_id ? `bot:${msg.bot_id}` : '?';
}

/** `@name` for the bot and for users registered with a name of their own, else the id. */
function userLabel(ws: Workspace, id: string): string {
  if (id === ws.id.botUserId) return `@${ws.id.botName}`;
  const known = ws.users.get(id);
  return known?.name && known.name !== id.toLowerCase() ? `@${known.name}` : id;
}

/** Mentions of known users and channels as Slack shows them (`@iris`, `#agent-iris`). */
function readableText(ws: Workspace, text: string): string {
  return text
    .replace(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g, (m, id: string) => {
      const label = userLabel(ws, id);
      return label === id ? m : label;
    })
    .replace(/<#([CGD][A-Z0-9_]+)(?:\|([^>]*))?>/g, (m, id: string, given: string | undefined) => {
      const name = ws.channelNames.get(id) ?? given;
      return name ? `#${name}` : m;
    });
}

function channelHeading(ws: Workspace, channel: string): string {
  const name = ws.channelNames.get(channel);
  if (name) return `#${name} (${channel})`;
  if (channel.startsWith('D')) {
    const label = userLabel(ws, `U${channel.slice(1)}`);
    if (label.startsWith('@')) return `DM with ${label} (${channel})`;
  }
  return `#${channel}`;
}

function plain(obj: Json): string {
  if (typeof obj === 'string') return obj;
  if (obj && typeof obj.text === 'string') return obj.text;
  return '';
}

function renderElement(el: Json): string {
  if (!el || typeof el !== 'object') return '';
  switch (el.type) {
    case 'button': {
      const target = el.action_id ? (el.value !== undefined ? `${el.action_id}=${el.value}` : el.action_id) : (el.url ?? '');
      return `[${plain(el.text)}](${target})`;
    }
    case 'overflow':
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = Array.isArray(el.options) ? el.options.map((o: Json) => plain(o.text)).join(' | ') : '';
      return `<${el.type} ${el.action_id ?? ''}${options ? `: ${options}` : ''}>`;
    }
    case 'image':
      return `[image: ${el.alt_text ?? ''}]`;
    case 'mrkdwn':
    case 'plain_text':
      return el.text ?? '';
    default:
      return `<${el.type} ${el.action_id ?? ''}>`.replace(' >', '>');
  }
}

function richText(el: Json): string {
  if (!el || typeof el !== 'object') return '';
  if (typeof el.text === 'string') return el.text;
  if (el.type === 'user') return `<@${el.user_id}>`;
  if (el.type === 'channel') return `<#${el.channel_id}>`;
  if (el.type === 'link') return el.url ?? '';
  return Array.isArray(el.elements) ? el.elements.map(richText).join('') : '';
}

/** Readable lines for Block Kit blocks (used by transcripts). */
export function renderBlocks(blocks: Json[]): string[] {
  const lines: string[] = [];
  const push = (s: string) => {
    for (const l of s.split('\n')) lines.push(l);
  };
  for (const b of blocks) {
    if (!b || typeof b !== 'object') continue;
    switch (b.type) {
      case 'section': {
        const text = plain(b.text);
        const accessory = b.accessory ? renderElement(b.accessory) : '';
        if (text || accessory) push([text, accessory].filter(Boolean).join('  '));
        if (Array.isArray(b.fields)) for (const f of b.fields) push(`• ${plain(f)}`);
        break;
      }
      case 'header':
        push(`# ${plain(b.text)}`);
        break;
      case 'context':
        push((Array.isArray(b.elements) ? b.elements : []).map(renderElement).filter(Boolean).join(' · '));
        break;
      case 'actions':
        push((Array.isArray(b.elements) ? b.elements : []).map(renderElement).join('  '));
        break;
      case 'divider':
        push('---');
        break;
      case 'image':
        push(`[image: ${b.alt_text ?? ''}]`);
        break;
      case 'input':
        push(`${plain(b.label)}: ${renderElement(b.element)}`);
        break;
      case 'markdown':
        push(String(b.text ?? ''));
        break;
      case 'rich_text':
        push(richText(b));
        break;
      default:
        push(`<${b.type}>`);
    }
  }
  return lines;
}
