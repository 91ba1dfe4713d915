import { LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS, messageBlockErrors, viewErrors } from '../../fake-slack/blockLimits.js';
import { type FakeSlack, startFakeSlack } from '../../fake-slack/index.js';

const txt = (text: string, type = 'mrkdwn') => ({ type, text });
const btn = (id: string, label = 'Go', value = 'v') => ({ type: 'button', action_id: id, value, text: txt(label, 'plain_text') });
const sec = (text = 'x') => ({ type: 'section', text: txt(text) });

describe('Block Kit limits', () => {
  it('takes a well-formed message', () => {
    expect(messageBlockErrors([sec(), { type: 'divider' }, { type: 'actions', elements: [btn('a'), btn('b')] }])).toEqual([]);
  });

  it.each([
    ['51 blocks in a message', Array.from({ length: 51 }, () => sec()), '/blocks'],
    ['section text over 3000', [sec('x'.repeat(3001))], '/blocks/0/text/text'],
    ['empty section text', [sec('')], '/blocks/0/text/text'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => txt('f')) }], '/blocks/0/fields'],
    ['field over 2000', [{ type: 'section', fields: [txt('f'.repeat(2001))] }], '/blocks/0/fields/0/text'],
    ['header over 150', [{ type: 'header', text: txt('h'.repeat(151), 'plain_text') }], '/blocks/0/text/text'],
    ['header in mrkdwn', [{ type: 'header', text: txt('h') }], '/blocks/0/text/type'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => txt('c')) }], '/blocks/0/elements'],
    ['26 buttons', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => btn(`b${i}`)) }], '/blocks/0/elements'],
    ['button text over 75', [{ type: 'actions', elements: [btn('a', 'b'.repeat(76))] }], '/blocks/0/elements/0/text/text'],
    ['button value over 2000', [{ type: 'actions', elements: [btn('a', 'Go', 'v'.repeat(2001))] }], '/blocks/0/elements/0/value'],
    ['action_id over 255', [{ type: 'actions', elements: [btn('a'.repeat(256))] }], '/blocks/0/elements/0/action_id'],
    ['duplicate action_id', [{ type: 'actions', elements: [btn('a'), btn('a')] }], '/blocks/0/elements/1/action_id'],
    ['block_id over 255', [{ ...sec(), block_id: 'b'.repeat(256) }], '/blocks/0/block_id'],
    ['duplicate block_id', [{ ...sec(), block_id: 'x' }, { ...sec(), block_id: 'x' }], '/blocks/1/block_id'],
    [
      'option text over 75',
      [{ type: 'section', text: txt('x'), accessory: { type: 'static_select', action_id: 's', options: [{ text: txt('o'.repeat(76), 'plain_text'), value: 'v' }] } }],
      '/blocks/0/accessory/options/0/text/text',
    ],
    ['unknown block type', [{ type: 'sectoin', text: txt('x') }], '/blocks/0/type'],
  ])('refuses %s', (_name, blocks, pointer) => {
    const errors = messageBlockErrors(blocks);
    expect(errors.some((e) => e.endsWith(`[json-pointer:${pointer}]`)), errors.join('\n')).toBe(true);
  });

  it('allows 100 blocks in a modal or the Home tab, not 101, and a modal title of 24', () => {
    const blocks = (n: number) => Array.from({ length: n }, () => sec());
    expect(viewErrors({ type: 'home', blocks: blocks(100) })).toEqual([]);
    expect(viewErrors({ type: 'home', blocks: blocks(101) })).toHaveLength(1);
    const modal = (title: string, n = 1) => ({ type: 'modal', title: txt(title, 'plain_text'), blocks: blocks(n) });
    expect(viewErrors(modal('t'.repeat(24), 100))).toEqual([]);
    expect(viewErrors(modal('t'.repeat(25)))[0]).toContain('/view/title/text');
    expect(viewErrors({ ...modal('t'), private_metadata: 'm'.repeat(3001) })[0]).toContain('/view/private_metadata');
    expect(viewErrors({ type: 'modal', title: txt('t', 'plain_text'), blocks: [{ type: 'input', label: txt('L', 'plain_text'), element: { type: 'plain_text_input', action_id: 'a' } }] })[0]).toContain(
      '/view/submit',
    );
    expect(BLOCK_KIT_LIMITS.blocks).toEqual({ message: 50, modal: 100, home: 100 });
  });
});

describe('the fake Slack Web API enforces the limits', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeEach(async () => {
    fake = await startFakeSlack();
    client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  });
  afterEach(async () => {
    await fake.close();
  });

  const refused = async (p: Promise<unknown>) => {
    const e = (await p.then(
      () => undefined,
      (err: unknown) => err,
    )) as WebAPIPlatformError | undefined;
    expect(e?.data?.error).toBe('invalid_blocks');
    return e?.data as unknown as { errors: string[] };
  };

  it('answers invalid_blocks to chat.postMessage, chat.update, chat.postEphemeral and views.* and keeps nothing', async () => {
    const tooMany = Array.from({ length: 51 }, () => sec());
    const data = await refused(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: tooMany }));
    expect(data.errors[0]).toBe('must provide no more than 50 items [json-pointer:/blocks]');
    expect(fake.messages('C1')).toHaveLength(0);
    const ok = await client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [sec()] });
    await refused(client.chat.update({ channel: 'C1', ts: ok.ts as string, text: 'y', blocks: [sec('z'.repeat(3001))] }));
    expect(fake.message('C1', ok.ts as string)?.text).toBe('x');
    await refused(client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x', blocks: [{ type: 'actions', elements: [btn('a', 'b'.repeat(76))] }] as never }));
    await refused(client.views.open({ trigger_id: 't', view: { type: 'modal', title: txt('t'.repeat(25), 'plain_text') as never, blocks: [] } }));
    await refused(client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: Array.from({ length: 101 }, () => sec()) as never } }));
    expect((await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [sec()] as never } })).ok).toBe(true);
  });
});
