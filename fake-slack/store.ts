// What the fake workspace holds: every channel's messages (with threads), channel names and memberships,
// users, views, and the counters that make message `ts` and ids unique.
import type { FakeSlack } from './server.js';
import type { FakeMessage, Json } from './types.js';

/** Who the fake is: the bot, its app and its workspace. */
export type Identity = Pick<FakeSlack, 'botUserId' | 'botId' | 'botName' | 'teamId' | 'teamName' | 'appId'>;

export class Workspace {
  /** Messages per channel, in the order they arrived. */
  readonly channelMessages = new Map<string, FakeMessage[]>();
  readonly channelNames = new Map<string, string>();
  readonly members = new Set<string>();
  readonly users = new Map<string, Json>();
  readonly views = new Map<string, Json>();
  /** Bumped by every new id; also part of a view's `hash`. */
  seq = 0;
  private tsCounter: number;

  constructor(
    readonly id: Identity,
    tsBase: number,
  ) {
    this.tsCounter = tsBase * 1_000_000;
  }

  /** Messages held (posted, updated, added), in ts order; optionally one channel. */
  messages(channel?: string): FakeMessage[] {
    if (channel !== undefined) return [...(this.channelMessages.get(channel) ?? [])].sort(byTs);
    return [...this.channelMessages.values()].flat().sort(byTs);
  }

  /** The message at `ts` in `channel`, if known. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.channelMessages.get(channel)?.find((m) => m.ts === ts);
  }

  /** The replies of the thread rooted at `threadTs` in `channel`. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** The most recent view opened/pushed/updated with this `callback_id` (with its `id`). */
  findView(callbackId: string): Json | undefined {
    return [...this.views.values()].reverse().find((v) => v.callback_id === callbackId);
  }

  /** The Home view last published for `user` (with its `id`). */
  homeOf(user: string): Json | undefined {
    return [...this.views.values()].reverse().find((v) => v.type === 'home' && v.user_id === user);
  }

  addChannel(id: string, name: string): void {
    this.channelNames.set(id, name);
  }

  addUser(id: string, user: Json = {}): void {
    this.users.set(id, { ...this.defaultUser(id), ...user, id });
  }

  /** Put a message into a channel's history; assigns a `ts` if absent. */
  addMessage(msg: Omit<FakeMessage, 'ts' | 'source' | 'text'> & Partial<FakeMessage>): FakeMessage {
    const full: FakeMessage = { source: 'user', text: '', ...msg, ts: msg.ts ?? this.nextTs() };
    const list = this.channelMessages.get(full.channel) ?? [];
    list.push(full);
    this.channelMessages.set(full.channel, list);
    return full;
  }

  /** A new unique message ts, strictly greater than every earlier one (`1700000000.000100`). */
  nextTs(): string {
    this.tsCounter += 100;
    const seconds = Math.floor(this.tsCounter / 1_000_000);
    const micros = this.tsCounter % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(6, '0')}`;
  }

  /** Forget the messages and views (channels, users and memberships stay). */
  clear(): void {
    this.channelMessages.clear();
    this.views.clear();
  }

  defaultUser(id: string): Json {
    const name = id.toLowerCase();
    return {
      id,
      team_id: this.id.teamId,
      name,
      real_name: id,
      deleted: false,
      is_bot: false,
      is_admin: false,
      tz: 'UTC',
      profile: { real_name: id, display_name: name },
    };
  }

  channelInfo(id: string): Json {
    const name = this.channelNames.get(id) ?? id.toLowerCase();
    const im = id.startsWith('D');
    return {
      id,
      name,
      is_channel: !im,
      is_im: im,
      is_private: false,
      is_archived: false,
      is_member: im || this.members.has(id),
      created: 1_700_000_000,
      topic: { value: '' },
      purpose: { value: '' },
    };
  }

  /** A message as the Web API returns it. */
  botMessage(m: FakeMessage): Json {
    return {
      type: 'message',
      text: m.text,
      user: m.user,
      bot_id: m.bot_id,
      app_id: this.id.appId,
      team: this.id.teamId,
      ts: m.ts,
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
      ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
    };
  }

  /** A message the bot itself posts (author fields filled in). */
  addBotMessage(msg: Omit<FakeMessage, 'ts' | 'text' | 'user' | 'bot_id'> & Partial<FakeMessage>): FakeMessage {
    return this.addMessage({ ...msg, user: this.id.botUserId, bot_id: this.id.botId });
  }
}

function compareTs(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const byInt = Number(ai) - Number(bi);
  if (byInt !== 0) return byInt;
  return af.padEnd(6, '0').localeCompare(bf.padEnd(6, '0'));
}

export function byTs(a: FakeMessage, b: FakeMessage): number {
  return compareTs(a.ts, b.ts);
}
