// Writes delivered rows as sent. A row the destination accepted but whose `sent` could not be written
// (the database failed just then) is kept here: it is written first each round, while its lease keeps
// other copies off it, and this copy never sends it again.
import type { Logger } from '../logger.js';
import type { Database } from '../storage/db.js';
import { markSent, type ClaimedMessage, type Receipt } from '../storage/outbox.js';

export class SentLedger {
  private readonly unwritten = new Map<number, { row: ClaimedMessage; receipt: Receipt }>();
  /** Rows written as sent by this copy. */
  delivered = 0;

  constructor(private readonly o: { database: Database; now: () => number; logger: Logger }) {}

  /** Whether `row` was accepted already and only its write is missing. */
  has(row: ClaimedMessage): boolean {
    return this.unwritten.has(row.id);
  }

  /** Writes `row` as sent with `receipt` (or the receipt kept for it); if that fails, keeps it and throws. */
  async record(row: ClaimedMessage, receipt?: Receipt): Promise<void> {
    const r = receipt ?? this.unwritten.get(row.id)?.receipt;
    if (!r) throw new Error(`no receipt for outbox row ${row.id}`);
    try {
      await markSent(this.o.database.db, row, r, new Date(this.o.now()));
    } catch (e) {
      if (!this.unwritten.has(row.id)) {
        this.unwritten.set(row.id, { row, receipt: r });
        this.o.logger.error({ outbox: row.id, err: String(e) }, 'a message was accepted but could not be recorded as sent; recording it next round');
      }
      throw e;
    }
    this.unwritten.delete(row.id);
    this.delivered++;
  }

  /** Writes what is kept; stops quietly at the first failure (the database is still away, and the claim after this will say so). */
  async flush(): Promise<void> {
    for (const { row } of [...this.unwritten.values()]) {
      try {
        await this.record(row);
      } catch {
        return;
      }
    }
  }
}
