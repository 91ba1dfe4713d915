// Structured logging (pino): JSON lines on stdout, scoped with child loggers ({ ticket, agent }).
import { pino, type Logger as PinoLogger } from 'pino';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

export type Logger = PinoLogger;

export function createLogger(o: { level?: string; name?: string } = {}): Logger {
  return pino({ name: o.name ?? 'baton', level: o.level ?? process.env.LOG_LEVEL ?? 'info' });
}

/** API tokens (`bat_…`) never reach a log line, even when Bolt logs an answer's body at debug level. */
export const redactTokens = (s: string): string => s.replace(/bat_[A-Za-z0-9_-]{8,}/g, 'bat_[redacted]');

/** Bolt's logger interface over pino. */
export function boltLogger(log: Logger): BoltLogger {
  let level: LogLevel = (log.level as LogLevel) ?? LogLevel.INFO;
  const fmt = (msg: unknown[]) => redactTokens(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  return {
    debug: (...m: unknown[]) => log.debug(fmt(m)),
    info: (...m: unknown[]) => log.info(fmt(m)),
    warn: (...m: unknown[]) => log.warn(fmt(m)),
    error: (...m: unknown[]) => log.error(fmt(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
