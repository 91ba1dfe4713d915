// Parses the environment once into a frozen, typed Config. Each bad value gives one line naming the variable.
import { z } from 'zod';
import cron from 'node-cron';
import { parseDuration } from './core/duration.js';
import { DEFAULT_OUTBOX_RETENTION_SEC } from './core/retention.js';
import { LIMITS } from './core/types.js';
import { NAME_RULE, TYPE_PATTERN } from './core/validate.js';

const channelId = /^[CGD][A-Z0-9]{2,}$/;
const userId = /^[UW][A-Z0-9]{2,}$/;

function idList(name: string, pattern: RegExp, what: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const items = (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        if (!pattern.test(item)) {
          ctx.addIssue({ code: 'custom', message: `${name}: \`${item}\` is not a Slack ${what} ID (like ${what === 'channel' ? 'C0123ABCD' : 'U0123ABCD'})` });
        }
      }
      return items;
    });
}

function cronExpr(name: string, fallback: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const expr = raw?.trim() || fallback;
      if (!cron.validate(expr)) ctx.addIssue({ code: 'custom', message: `${name}: \`${expr}\` is not a valid cron expression (e.g. \`* * * * *\`)` });
      return expr;
    });
}

const MISSING_BOT_TOKEN =
  'SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from your Slack app — see README "Create the Slack app", or try `npm run demo`';

const schema = z
  .object({
    SLACK_BOT_TOKEN: z
      // An empty value (`SLACK_BOT_TOKEN=` in a .env file) counts as missing.
      .preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string({ error: MISSING_BOT_TOKEN }))
      .refine((v) => v.startsWith('xoxb-'), { message: 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-' }),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z
      .string()
      .optional()
      .refine((v) => v === undefined || v === '' || v.startsWith('xapp-'), { message: 'SLACK_APP_TOKEN must be an app-level token starting with xapp-' }),
    SLACK_API_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v), { message: 'SLACK_API_URL must be an http(s) URL' }),
    BATON_PUBLIC_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v.trim()), { message: 'BATON_PUBLIC_URL must be the http(s) URL at which A2A agents reach Baton, like https://baton.example.com' }),
    PORT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const t = v?.trim() ?? '';
        const n = t === '' ? 3000 : /^\d{1,5}$/.test(t) ? Number(t) : NaN;
        if (!Number.isInteger(n) || n < 0 || n > 65535) ctx.addIssue({ code: 'custom', message: `PORT: \`${v}\` is not a port number (0-65535)` });
        return n;
      }),
    DATABASE_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), { message: 'DATABASE_URL must start with postgres:// or postgresql://' }),
    BATON_DATA_DIR: z.string().optional(),
    INTAKE_CHANNELS: idList('INTAKE_CHANNELS', channelId, 'channel'),
    DEFAULT_TICKET_TYPE: z
      .string()
      .optional()
      .refine((v) => !v || (TYPE_PATTERN.test(v) && v.length <= LIMITS.type), { message: `DEFAULT_TICKET_TYPE must be ${NAME_RULE}, at most ${LIMITS.type} characters (e.g. general)` }),
    ESCALATIONS_CHANNEL: z
      .string()
      .optional()
      .refine((v) => !v || channelId.test(v), { message: 'ESCALATIONS_CHANNEL must be a Slack channel ID like C0123ABCD' }),
    ADMIN_USER_IDS: idList('ADMIN_USER_IDS', userId, 'user'),
    HANDOFF_DEPTH_LIMIT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const t = v?.trim() ?? '';
        const n = t === '' ? 8 : /^\d{1,3}$/.test(t) ? Number(t) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > 100) ctx.addIssue({ code: 'custom', message: `HANDOFF_DEPTH_LIMIT: \`${v}\` is not a whole number from 1 to 100 (handoffs in a row; default 8)` });
        return n;
      }),
    ESCALATION_REPEAT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const t = v?.trim() ?? '';
        const n = t === '' ? 0 : /^\d{1,2}$/.test(t) ? Number(t) : NaN;
        if (!Number.isInteger(n) || n < 0 || n > 10) ctx.addIssue({ code: 'custom', message: `ESCALATION_REPEAT: \`${v}\` is not a whole number from 0 to 10 (times the chain starts again before managers are told it ran out; default 0)` });
        return n;
      }),
    API_RATE_LIMIT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const r = parseRateLimit(v);
        if (r === undefined) ctx.addIssue({ code: 'custom', message: `API_RATE_LIMIT: \`${v}\` is not a rate like \`20/s\`, \`600/m\` or \`20/s:100\` (calls per second or minute, then an optional burst), or \`off\`` });
        return r ?? null;
      }),
    BATON_SECRET_KEY: z
      .string()
      .optional()
      .refine((v) => !v?.trim() || v.trim().length >= 32, { message: 'BATON_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`); it encrypts webhook signing secrets' }),
    OUTBOX_RETENTION: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v?.trim()) return DEFAULT_OUTBOX_RETENTION_SEC;
        try {
          return parseDuration(v);
        } catch {
          ctx.addIssue({ code: 'custom', message: `OUTBOX_RETENTION: \`${v}\` is not a duration like \`30d\`, \`12h\` or \`7d12h\` from 1s to 365d (how long delivered messages are kept; default 30d)` });
          return DEFAULT_OUTBOX_RETENTION_SEC;
        }
      }),
    ESCALATION_CRON: cronExpr('ESCALATION_CRON', '* * * * *'),
    DIGEST_CRON: cronExpr('DIGEST_CRON', '0 9 * * 1-5'),
    BATON_TIMEZONE: z
      .string()
      .optional()
      .refine(
        (v) => {
          if (!v?.trim()) return true;
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: v.trim() });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'BATON_TIMEZONE must be an IANA time zone like Europe/Berlin' },
      ),
  });

/** Calls per second and the burst a token may spend at once; null: not limited. */
export type RateLimit = { perSecond: number; burst: number } | null;

/** `20/s` (burst five seconds' worth, at least 1), `600/m`, `20/s:100` (explicit burst), `off`. Undefined when unreadable. */
export function parseRateLimit(v: string | undefined): RateLimit | undefined {
  const t = v?.trim().toLowerCase() ?? '';
  if (t === '') return { perSecond: 20, burst: 100 };
  if (t === 'off') return null;
  const m = /^(\d{1,6})\/(s|m)(?::(\d{1,7}))?$/.exec(t);
  if (!m) return undefined;
  const perSecond = Number(m[1]) / (m[2] === 'm' ? 60 : 1);
  const burst = m[3] !== undefined ? Number(m[3]) : Math.max(1, Math.round(perSecond * 5));
  if (perSecond <= 0 || burst < 1) return undefined;
  return { perSecond, burst };
}

const MISSING_SIGNING_SECRET =
  'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode) — see README "Create the Slack app"';

export interface Config {
  slackBotToken: string;
  slackSigningSecret: string | null;
  slackAppToken: string | null;
  slackApiUrl: string | null;
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  intakeChannels: readonly string[];
  defaultTicketType: string;
  escalationsChannel: string | null;
  adminUserIds: readonly string[];
  escalationCron: string;
  /** When the daily briefing goes out (`DIGEST_CRON`). */
  briefingCron: string;
  timeZone: string;
  /** At most this many handoffs in a row from one ticket (`HANDOFF_DEPTH_LIMIT`). */
  handoffDepthLimit: number;
  /** How many times an exhausted escalation chain starts again from its first step (`ESCALATION_REPEAT`). */
  escalationRepeat: number;
  /** Per-token limit of API and MCP calls (`API_RATE_LIMIT`); null when off. */
  apiRateLimit: RateLimit;
  /** Encrypts webhook signing secrets at rest (`BATON_SECRET_KEY`); null: they are stored as they are. */
  secretKey: string | null;
  /** How long delivered outbox rows are kept, in seconds (`OUTBOX_RETENTION`, default 30 days). */
  outboxRetentionSec: number;
  /** Where A2A agents reach Baton (`BATON_PUBLIC_URL`) to push task updates; null: Baton polls on the sweep. */
  publicUrl: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parse the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  // Checked outside the schema so that it is reported together with the other problems.
  const httpModeProblem = !env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim() ? [MISSING_SIGNING_SECRET] : [];
  if (!result.success || httpModeProblem.length) {
    const lines = (result.success ? [] : result.error.issues).map((i) => {
      const name = String(i.path[0] ?? '');
      return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
    });
    throw new ConfigError([...new Set([...lines, ...httpModeProblem])]);
  }
  const e = result.data;
  return Object.freeze({
    slackBotToken: e.SLACK_BOT_TOKEN,
    slackSigningSecret: e.SLACK_SIGNING_SECRET || null,
    slackAppToken: e.SLACK_APP_TOKEN || null,
    slackApiUrl: e.SLACK_API_URL || null,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL || null,
    dataDir: e.BATON_DATA_DIR || './data',
    intakeChannels: Object.freeze(e.INTAKE_CHANNELS),
    defaultTicketType: e.DEFAULT_TICKET_TYPE || 'general',
    escalationsChannel: e.ESCALATIONS_CHANNEL || null,
    adminUserIds: Object.freeze(e.ADMIN_USER_IDS),
    escalationCron: e.ESCALATION_CRON,
    briefingCron: e.DIGEST_CRON,
    timeZone: e.BATON_TIMEZONE?.trim() || 'UTC',
    handoffDepthLimit: e.HANDOFF_DEPTH_LIMIT,
    escalationRepeat: e.ESCALATION_REPEAT,
    apiRateLimit: e.API_RATE_LIMIT,
    secretKey: e.BATON_SECRET_KEY?.trim() || null,
    outboxRetentionSec: e.OUTBOX_RETENTION,
    publicUrl: e.BATON_PUBLIC_URL?.trim().replace(/\/+$/, '') || null,
  });
}
