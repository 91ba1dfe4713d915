// What the use cases need of an A2A agent, implemented with the official SDK in src/a2a/sdk.ts: read its
// card, send it a message, read a task. Errors are thrown as A2aCallError with what failed.
import type { A2aLink } from '../core/types.js';

/** A task's state as the A2A protocol names it; `unknown` for anything else. */
export type A2aState = 'submitted' | 'working' | 'input-required' | 'completed' | 'failed' | 'rejected' | 'canceled' | 'auth-required' | 'unknown';

export interface A2aTaskView {
  taskId: string;
  state: A2aState;
  /** The text of the status message (a question, a reason), or ''. */
  message: string;
  /** The text parts of every artifact, joined. */
  artifacts: string;
  /** When the agent set this state (ISO 8601), when it says. */
  at?: string;
}

export interface A2aOutgoing {
  /** The text part. */
  text: string;
  /** A data part, if any. */
  data?: Record<string, unknown>;
  /** The ticket key. */
  contextId: string;
  /** A reply to this task. */
  taskId?: string;
  /** Where the agent pushes the task's updates, and the token it sends with them. */
  push?: { url: string; token: string };
}

export interface A2aPort {
  /** Reads and checks the card at `url`; throws A2aCallError saying what failed. */
  readCard(url: string): Promise<A2aLink>;
  /** Sends a message; the task it started or continued (a direct message answer is `completed` with its text). */
  send(link: A2aLink, m: A2aOutgoing): Promise<A2aTaskView>;
  getTask(link: A2aLink, taskId: string): Promise<A2aTaskView>;
}

export class A2aCallError extends Error {
  constructor(
    message: string,
    /** Worth trying again later (the agent could not be reached, or answered 5xx). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'A2aCallError';
  }
}
