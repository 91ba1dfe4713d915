// Links to Slack messages (src/app/links.ts): the channel escaped, the ts without its dot.
import { describe, expect, it } from 'vitest';
import { messageLink } from '../../src/app/links.js';

describe('messageLink', () => {
  it('is slack.com/archives/CHANNEL/pTS with the dot of the ts removed and the channel escaped', () => {
    expect(messageLink({ channel: 'C0123ABC', ts: '1700000000.000100' })).toBe('https://slack.com/archives/C0123ABC/p1700000000000100');
    expect(messageLink({ channel: 'C/1 2', ts: '17.5' })).toBe('https://slack.com/archives/C%2F1%202/p175');
  });
});
