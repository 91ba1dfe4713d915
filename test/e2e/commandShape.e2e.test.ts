import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/batonHarness.js';

describe('slash command bodies of an odd shape', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite');
  });
  afterAll(async () => h?.close());

  const form = (fields: Array<[string, string]>) => fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const base: Array<[string, string]> = [['token', 'x'], ['team_id', 'T0TEAM'], ['channel_id', 'CGENERAL1'], ['command', '/ticket'], ['api_app_id', 'A0BATON'], ['trigger_id', 't.1']];

  it('when a command does not say who sent it, then Baton refuses it and files nothing', async () => {
    const r = await h.slack.raw(form([...base, ['text', 'new Nobody sent this']]), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain('did not say who sent it');
    const list = await h.slack.command('/ticket', 'list intake', { user: 'UREQ0001' });
    expect(JSON.stringify(list.body)).not.toContain('Nobody sent this');
    const active = await h.slack.command('/ticket', 'list active', { user: 'UREQ0001' });
    expect(JSON.stringify(active.body)).not.toContain('Nobody sent this');
  });

  it('when the text field is repeated, then the first one is used', async () => {
    const r = await h.slack.raw(form([...base, ['user_id', 'UREQ0001'], ['text', 'new First title'], ['text', 'new Second title']]), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain('T-2026-001');
    const shown = await h.slack.command('/ticket', 'show T-2026-001', { user: 'UREQ0001' });
    expect(JSON.stringify(shown.body)).toContain('First title');
  });
});
