// Use-case dependencies for tests: a real database, the real renderer, and a clock the test moves.
import type { Deps } from '../../src/app/context.js';
import type { Clock } from '../../src/core/clock.js';
import type { Database } from '../../src/storage/db.js';
import { blockKitRenderer } from '../../src/slack/renderer.js';

export class ManualClock implements Clock {
  constructor(private t = new Date('2026-03-02T09:00:00Z')) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
  set(d: Date) {
    this.t = new Date(d);
  }
}

export const ADMIN = 'UADMIN1';

export function makeDeps(database: Database, o: { clock?: Clock; admins?: string[]; escalationsChannel?: string | null } = {}): Deps & { clock: Clock } {
  const clock = o.clock ?? new ManualClock();
  return {
    database,
    clock,
    policy: { admins: o.admins ?? [ADMIN] },
    render: blockKitRenderer(clock, 'UTC'),
    timeZone: 'UTC',
    defaultTicketType: 'general',
    escalationsChannel: o.escalationsChannel === undefined ? 'CESCAL1' : o.escalationsChannel,
  };
}
