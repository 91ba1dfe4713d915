// Retention: how long request keys, delivered messages and schedule runs are kept, and the hourly slot of the sweep.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX_RETENTION_SEC, REQUEST_KEY_RETENTION_SEC, retentionCutoffs, retentionSlot, SCHEDULE_RUN_RETENTION_SEC } from '../../src/core/retention.js';

const NOW = new Date('2026-03-31T12:00:00Z');

describe('retention cut-offs', () => {
  it('request keys are kept 7 days, delivered messages 30 days by default, schedule runs 90 days', () => {
    expect([REQUEST_KEY_RETENTION_SEC, DEFAULT_OUTBOX_RETENTION_SEC, SCHEDULE_RUN_RETENTION_SEC]).toEqual([7 * 86400, 30 * 86400, 90 * 86400]);
    expect(retentionCutoffs(NOW)).toEqual({
      requestKeys: new Date('2026-03-24T12:00:00Z'),
      messages: new Date('2026-03-01T12:00:00Z'),
      scheduleRuns: new Date('2025-12-31T12:00:00Z'),
    });
  });

  it('when OUTBOX_RETENTION is set, then only delivered messages follow it', () => {
    expect(retentionCutoffs(NOW, 90 * 60)).toEqual({
      requestKeys: new Date('2026-03-24T12:00:00Z'),
      messages: new Date('2026-03-31T10:30:00Z'),
      scheduleRuns: new Date('2025-12-31T12:00:00Z'),
    });
  });
});

describe('retention slot', () => {
  it('every instant of an hour (UTC) falls in the same slot; the next hour is another', () => {
    expect(retentionSlot(new Date('2026-03-02T09:00:00Z'))).toBe('2026-03-02T09');
    expect(retentionSlot(new Date('2026-03-02T09:59:59.999Z'))).toBe('2026-03-02T09');
    expect(retentionSlot(new Date('2026-03-02T10:00:00Z'))).toBe('2026-03-02T10');
  });
});
