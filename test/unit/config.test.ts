import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const BASE = { SLACK_BOT_TOKEN: 'xoxb-123-abc', SLACK_SIGNING_SECRET: 'shh' };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    expect(err.message).toBe(err.problems.join('\n'));
    for (const p of err.problems) expect(p).not.toContain('\n');
    return err.problems;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

/** Exactly one problem, naming the variable. */
function oneProblem(env: Record<string, string | undefined>, variable: string): string {
  const ps = problems(env);
  expect(ps).toHaveLength(1);
  expect(ps[0]).toContain(variable);
  return ps[0]!;
}

describe('loadConfig defaults', () => {
  it('fills every default from a minimal HTTP-mode environment', () => {
    expect(loadConfig(BASE)).toEqual({
      slackBotToken: 'xoxb-123-abc',
      slackSigningSecret: 'shh',
      slackAppToken: null,
      slackApiUrl: null,
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      intakeChannels: [],
      defaultTicketType: 'general',
      escalationsChannel: null,
      adminUserIds: [],
      escalationCron: '* * * * *',
      briefingCron: '0 9 * * 1-5',
      timeZone: 'UTC',
      handoffDepthLimit: 8,
      escalationRepeat: 0,
      apiRateLimit: { perSecond: 20, burst: 100 },
      secretKey: null,
      outboxRetentionSec: 30 * 86400,
      publicUrl: null,
    });
  });

  it('reads OUTBOX_RETENTION as a duration', () => {
    expect(loadConfig({ ...BASE, OUTBOX_RETENTION: '7d' }).outboxRetentionSec).toBe(7 * 86400);
    expect(loadConfig({ ...BASE, OUTBOX_RETENTION: '12h' }).outboxRetentionSec).toBe(12 * 3600);
    expect(loadConfig({ ...BASE, OUTBOX_RETENTION: '' }).outboxRetentionSec).toBe(30 * 86400);
  });

  it('reads HANDOFF_DEPTH_LIMIT and API_RATE_LIMIT in each of their forms', () => {
    expect(loadConfig({ ...BASE, HANDOFF_DEPTH_LIMIT: '3' }).handoffDepthLimit).toBe(3);
    expect(loadConfig({ ...BASE, ESCALATION_REPEAT: '0' }).escalationRepeat).toBe(0);
    expect(loadConfig({ ...BASE, ESCALATION_REPEAT: ' 10 ' }).escalationRepeat).toBe(10);
    expect(loadConfig({ ...BASE, API_RATE_LIMIT: '5/s' }).apiRateLimit).toEqual({ perSecond: 5, burst: 25 });
    expect(loadConfig({ ...BASE, API_RATE_LIMIT: '600/m' }).apiRateLimit).toEqual({ perSecond: 10, burst: 50 });
    expect(loadConfig({ ...BASE, API_RATE_LIMIT: '20/s:40' }).apiRateLimit).toEqual({ perSecond: 20, burst: 40 });
    expect(loadConfig({ ...BASE, API_RATE_LIMIT: 'off' }).apiRateLimit).toBeNull();
  });

  it('treats empty values as unset', () => {
    const cfg = loadConfig({
      ...BASE,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      PORT: '',
      DATABASE_URL: '',
      BATON_DATA_DIR: '',
      INTAKE_CHANNELS: '',
      DEFAULT_TICKET_TYPE: '',
      ESCALATIONS_CHANNEL: '',
      ADMIN_USER_IDS: '',
      ESCALATION_CRON: '',
      DIGEST_CRON: '  ',
      BATON_TIMEZONE: '',
    });
    expect(cfg).toMatchObject({
      slackAppToken: null,
      slackApiUrl: null,
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      intakeChannels: [],
      defaultTicketType: 'general',
      escalationsChannel: null,
      adminUserIds: [],
      escalationCron: '* * * * *',
      briefingCron: '0 9 * * 1-5',
      timeZone: 'UTC',
    });
  });

  it('reads every variable', () => {
    const cfg = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      PORT: '8080',
      DATABASE_URL: 'postgresql://baton@db:5432/baton',
      BATON_DATA_DIR: '/var/lib/baton',
      INTAKE_CHANNELS: 'C0123ABCD, G0456EFGH ,',
      DEFAULT_TICKET_TYPE: 'support',
      ESCALATIONS_CHANNEL: 'C0ESCAL01',
      ADMIN_USER_IDS: 'U0ADMIN01,W0ADMIN02',
      ESCALATION_CRON: '*/30 * * * * *',
      DIGEST_CRON: '30 8 * * 1-5',
      BATON_TIMEZONE: 'Europe/Berlin',
      HANDOFF_DEPTH_LIMIT: '12',
      ESCALATION_REPEAT: '2',
      API_RATE_LIMIT: '50/s:200',
      BATON_SECRET_KEY: ' 0123456789abcdef0123456789abcdef ',
      OUTBOX_RETENTION: '90d',
      BATON_PUBLIC_URL: 'https://baton.example.com/',
    });
    expect(cfg).toEqual({
      slackBotToken: 'xoxb-1',
      slackSigningSecret: null,
      slackAppToken: 'xapp-1',
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      port: 8080,
      databaseUrl: 'postgresql://baton@db:5432/baton',
      dataDir: '/var/lib/baton',
      intakeChannels: ['C0123ABCD', 'G0456EFGH'],
      defaultTicketType: 'support',
      escalationsChannel: 'C0ESCAL01',
      adminUserIds: ['U0ADMIN01', 'W0ADMIN02'],
      escalationCron: '*/30 * * * * *',
      briefingCron: '30 8 * * 1-5',
      timeZone: 'Europe/Berlin',
      handoffDepthLimit: 12,
      escalationRepeat: 2,
      apiRateLimit: { perSecond: 50, burst: 200 },
      secretKey: '0123456789abcdef0123456789abcdef',
      outboxRetentionSec: 90 * 86400,
      publicUrl: 'https://baton.example.com',
    });
  });

  it('refuses a BATON_SECRET_KEY shorter than 32 characters, naming the variable', () => {
    expect(() => loadConfig({ ...BASE, BATON_SECRET_KEY: 'short' })).toThrow(/^BATON_SECRET_KEY must be at least 32 characters/);
  });

  it.each(['0', '1', '65535'])('accepts PORT=%s', (port) => {
    expect(loadConfig({ ...BASE, PORT: port }).port).toBe(Number(port));
  });

  it('accepts postgres:// as well as postgresql://', () => {
    expect(loadConfig({ ...BASE, DATABASE_URL: 'postgres://u@h/d' }).databaseUrl).toBe('postgres://u@h/d');
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ ...BASE, PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });
});

describe('loadConfig: the Slack tokens', () => {
  it('a missing SLACK_BOT_TOKEN points to the README and `npm run demo`', () => {
    const p = oneProblem({ SLACK_SIGNING_SECRET: 'shh' }, 'SLACK_BOT_TOKEN');
    expect(p).toMatch(/^SLACK_BOT_TOKEN is required/);
    expect(p).toContain('README');
    expect(p).toContain('npm run demo');
  });

  it.each(['', '   '])('an empty SLACK_BOT_TOKEN (%j) counts as missing', (v) => {
    expect(oneProblem({ SLACK_BOT_TOKEN: v, SLACK_SIGNING_SECRET: 'shh' }, 'SLACK_BOT_TOKEN')).toMatch(/^SLACK_BOT_TOKEN is required.*npm run demo/);
  });

  it.each(['xoxp-user-token', 'xapp-1', 'token'])('SLACK_BOT_TOKEN=%s is not a bot token', (v) => {
    expect(oneProblem({ ...BASE, SLACK_BOT_TOKEN: v }, 'SLACK_BOT_TOKEN')).toBe('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
  });

  it('HTTP mode needs SLACK_SIGNING_SECRET', () => {
    const p = oneProblem({ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET');
    expect(p).toMatch(/^SLACK_SIGNING_SECRET is required in HTTP mode/);
    expect(p).toContain('SLACK_APP_TOKEN');
  });

  it('an empty SLACK_SIGNING_SECRET in HTTP mode counts as missing', () => {
    oneProblem({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: '' }, 'SLACK_SIGNING_SECRET');
  });

  it('Socket Mode (SLACK_APP_TOKEN) needs no signing secret', () => {
    const cfg = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(cfg.slackAppToken).toBe('xapp-1-abc');
    expect(cfg.slackSigningSecret).toBeNull();
  });

  it('SLACK_APP_TOKEN must be an app-level token', () => {
    expect(oneProblem({ ...BASE, SLACK_APP_TOKEN: 'xoxb-2' }, 'SLACK_APP_TOKEN')).toBe('SLACK_APP_TOKEN must be an app-level token starting with xapp-');
  });

  it('reports a missing bot token and a missing signing secret together, one line each', () => {
    const ps = problems({});
    expect(ps).toHaveLength(2);
    expect(ps[0]).toMatch(/^SLACK_BOT_TOKEN /);
    expect(ps[1]).toMatch(/^SLACK_SIGNING_SECRET /);
  });
});

describe('loadConfig: one clear line naming the variable for each bad value', () => {
  it.each<[string, string, string | RegExp]>([
    ['SLACK_API_URL', 'slack.com/api', 'SLACK_API_URL must be an http(s) URL'],
    ['SLACK_API_URL', 'ftp://example.com', 'SLACK_API_URL must be an http(s) URL'],
    ['PORT', 'eighty', 'PORT: `eighty` is not a port number (0-65535)'],
    ['PORT', '65536', 'PORT: `65536` is not a port number (0-65535)'],
    ['PORT', '-1', 'PORT: `-1` is not a port number (0-65535)'],
    ['PORT', '80.5', 'PORT: `80.5` is not a port number (0-65535)'],
    ['PORT', '1e3', 'PORT: `1e3` is not a port number (0-65535)'],
    ['PORT', '0x50', 'PORT: `0x50` is not a port number (0-65535)'],
    ['DATABASE_URL', 'mysql://u@h/d', 'DATABASE_URL must start with postgres:// or postgresql://'],
    ['DATABASE_URL', './data', 'DATABASE_URL must start with postgres:// or postgresql://'],
    ['INTAKE_CHANNELS', 'C0123ABCD,#general', 'INTAKE_CHANNELS: `#general` is not a Slack channel ID (like C0123ABCD)'],
    ['INTAKE_CHANNELS', 'general', 'INTAKE_CHANNELS: `general` is not a Slack channel ID (like C0123ABCD)'],
    ['DEFAULT_TICKET_TYPE', 'Bug Report', 'DEFAULT_TICKET_TYPE must be lowercase letters, digits, `-` and `_`, at most 40 characters (e.g. general)'],
    ['DEFAULT_TICKET_TYPE', 'x'.repeat(41), 'DEFAULT_TICKET_TYPE must be lowercase letters, digits, `-` and `_`, at most 40 characters (e.g. general)'],
    ['ESCALATIONS_CHANNEL', '#escalations', 'ESCALATIONS_CHANNEL must be a Slack channel ID like C0123ABCD'],
    ['ADMIN_USER_IDS', 'U0ADMIN01,@bob', 'ADMIN_USER_IDS: `@bob` is not a Slack user ID (like U0123ABCD)'],
    ['ADMIN_USER_IDS', 'u0admin01', 'ADMIN_USER_IDS: `u0admin01` is not a Slack user ID (like U0123ABCD)'],
    ['ESCALATION_CRON', 'every minute', 'ESCALATION_CRON: `every minute` is not a valid cron expression (e.g. `* * * * *`)'],
    ['ESCALATION_CRON', '61 * * * *', 'ESCALATION_CRON: `61 * * * *` is not a valid cron expression (e.g. `* * * * *`)'],
    ['DIGEST_CRON', '0 25 * * *', 'DIGEST_CRON: `0 25 * * *` is not a valid cron expression (e.g. `* * * * *`)'],
    ['BATON_TIMEZONE', 'Mars/Olympus_Mons', 'BATON_TIMEZONE must be an IANA time zone like Europe/Berlin'],
    ['BATON_TIMEZONE', 'CEST+2', 'BATON_TIMEZONE must be an IANA time zone like Europe/Berlin'],
    ['HANDOFF_DEPTH_LIMIT', '0', 'HANDOFF_DEPTH_LIMIT: `0` is not a whole number from 1 to 100 (handoffs in a row; default 8)'],
    ['HANDOFF_DEPTH_LIMIT', 'eight', 'HANDOFF_DEPTH_LIMIT: `eight` is not a whole number from 1 to 100 (handoffs in a row; default 8)'],
    ['ESCALATION_REPEAT', '11', 'ESCALATION_REPEAT: `11` is not a whole number from 0 to 10 (times the chain starts again before managers are told it ran out; default 0)'],
    ['ESCALATION_REPEAT', '-1', 'ESCALATION_REPEAT: `-1` is not a whole number from 0 to 10 (times the chain starts again before managers are told it ran out; default 0)'],
    ['ESCALATION_REPEAT', 'twice', 'ESCALATION_REPEAT: `twice` is not a whole number from 0 to 10 (times the chain starts again before managers are told it ran out; default 0)'],
    ['API_RATE_LIMIT', '20 per second', 'API_RATE_LIMIT: `20 per second` is not a rate like `20/s`, `600/m` or `20/s:100` (calls per second or minute, then an optional burst), or `off`'],
    ['API_RATE_LIMIT', '0/s', 'API_RATE_LIMIT: `0/s` is not a rate like `20/s`, `600/m` or `20/s:100` (calls per second or minute, then an optional burst), or `off`'],
    ['OUTBOX_RETENTION', '30', 'OUTBOX_RETENTION: `30` is not a duration like `30d`, `12h` or `7d12h` from 1s to 365d (how long delivered messages are kept; default 30d)'],
    ['OUTBOX_RETENTION', '0d', 'OUTBOX_RETENTION: `0d` is not a duration like `30d`, `12h` or `7d12h` from 1s to 365d (how long delivered messages are kept; default 30d)'],
    ['OUTBOX_RETENTION', '2y', 'OUTBOX_RETENTION: `2y` is not a duration like `30d`, `12h` or `7d12h` from 1s to 365d (how long delivered messages are kept; default 30d)'],
    ['OUTBOX_RETENTION', '400d', 'OUTBOX_RETENTION: `400d` is not a duration like `30d`, `12h` or `7d12h` from 1s to 365d (how long delivered messages are kept; default 30d)'],
  ])('%s=%j', (variable, value, message) => {
    const p = oneProblem({ ...BASE, [variable]: value }, variable);
    if (typeof message === 'string') expect(p).toBe(message);
    else expect(p).toMatch(message);
  });

  it('lists every bad variable, one line each, in a stable order', () => {
    const ps = problems({ ...BASE, PORT: 'x', DATABASE_URL: 'mysql://x', BATON_TIMEZONE: 'Nowhere/Land', INTAKE_CHANNELS: 'a,b' });
    expect(ps.map((p) => p.split(/[ :]/)[0])).toEqual(['PORT', 'DATABASE_URL', 'INTAKE_CHANNELS', 'INTAKE_CHANNELS', 'BATON_TIMEZONE']);
  });

  it('never repeats the same line', () => {
    const ps = problems({ ...BASE, INTAKE_CHANNELS: 'bad,bad' });
    expect(ps).toEqual(['INTAKE_CHANNELS: `bad` is not a Slack channel ID (like C0123ABCD)']);
  });
});

describe('the config is frozen', () => {
  it('cannot be changed after loading, lists included', () => {
    const cfg = loadConfig({ ...BASE, INTAKE_CHANNELS: 'C0123ABCD', ADMIN_USER_IDS: 'U0ADMIN01' });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.intakeChannels)).toBe(true);
    expect(Object.isFrozen(cfg.adminUserIds)).toBe(true);
    expect(() => {
      (cfg as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (cfg.adminUserIds as string[]).push('UEVIL0001')).toThrow(TypeError);
    expect(cfg.port).toBe(3000);
    expect(cfg.adminUserIds).toEqual(['U0ADMIN01']);
  });

  it('does not read or change the environment object it was given', () => {
    const env = { ...BASE };
    loadConfig(env);
    expect(env).toEqual(BASE);
  });
});
