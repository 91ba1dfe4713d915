// Typed slash commands, as parsed from the text after `/ticket` and `/agent`.
import type { Priority, TicketStatus } from './types.js';

/** An agent as written by a user: a handle (`iris`, `@iris`) or a Slack mention of its user (`<@U…>`). */
export type AgentRef = { handle: string } | { user: string };
/** Whom a handoff goes to: an agent, or whoever has a skill (`skill:engineering`). */
export type HandoffTarget = AgentRef | { skill: string };

export type ListFilter =
  | { kind: 'mine' }
  | { kind: 'queue'; status: TicketStatus }
  | { kind: 'agent'; agent: AgentRef };

export interface NewTicketInput {
  type?: string;
  priority?: Priority;
  escalateAfterSec?: number;
  assign?: AgentRef;
  handoff: AgentRef[];
  follows?: string;
  /** While a ticket filed with this key is open, filing again creates nothing (`dedup:`). */
  dedupKey?: string;
  context: Record<string, string>;
  /** First line of the free text. */
  title: string;
  /** All of the free text. */
  description: string;
}

export type TicketCommand =
  | ({ kind: 'new' } & NewTicketInput)
  | { kind: 'new_modal' }
  | { kind: 'show'; key: string }
  | { kind: 'why'; key: string }
  | { kind: 'list'; filter: ListFilter; /** 1-based page of the list. */ page?: number }
  | { kind: 'assign'; key: string; agent: AgentRef }
  | { kind: 'handoff'; key: string; agent: HandoffTarget; note?: string }
  | { kind: 'resolve'; key: string; note?: string; /** Close its open handoff child too. */ force?: boolean }
  | { kind: 'reopen'; key: string; note?: string }
  | { kind: 'escalate'; key: string; note?: string }
  | { kind: 'wait'; key: string; question?: string }
  | { kind: 'resume'; key: string }
  | { kind: 'next'; agent: AgentRef }
  | { kind: 'help' };

export interface AgentOptions {
  skills?: string[];
  /** Channel ID. */
  channel?: string;
  /** Slack user ID; null clears it (`user:none`). */
  user?: string | null;
  capacity?: number;
  /** null clears it (`escalates-to:none`). */
  escalatesTo?: AgentRef | null;
  /** Seconds to accept an assignment before it is taken back (`ack:`); null clears it (`ack:none`). */
  ackAfterSec?: number | null;
  /** Seconds of silence before no new work, twice that before its tickets are taken back (`heartbeat:`); null clears it. */
  heartbeatSec?: number | null;
  /** Working hours as `formatHours` writes them; null clears them (`hours:always`). */
  hours?: string | null;
  /** IANA zone of the hours (`tz:`). */
  timeZone?: string;
  /** Where Baton POSTs the agent's events (`webhook:URL`, update only); null removes it (`webhook:none`). */
  webhook?: string | null;
  /** The A2A agent's base URL (`a2a:URL`, update only); null clears it (`a2a:none`). */
  a2a?: string | null;
}

export type AgentCommand =
  | ({ kind: 'add'; handle: string } & AgentOptions)
  | ({ kind: 'update'; handle: string } & AgentOptions)
  | { kind: 'remove'; agent: AgentRef }
  | { kind: 'list' }
  | {
      kind: 'busy';
      agent: AgentRef;
      forSec?: number;
      until?: { hour: number; minute: number };
      reason?: string;
    }
  | { kind: 'available'; agent: AgentRef }
  | { kind: 'token'; agent: AgentRef; revoke: boolean }
  | { kind: 'help' };

/** Verbs after a mention of Baton in a ticket's thread. */
export type ThreadVerb =
  | { kind: 'accept' }
  | { kind: 'resolve'; note?: string }
  | { kind: 'handoff'; agent: HandoffTarget; note?: string }
  | { kind: 'escalate'; note?: string }
  | { kind: 'decline'; reason: string }
  | { kind: 'wait'; question?: string }
  | { kind: 'resume' }
  | { kind: 'status' };
