// Domain errors carry a stable string code and a message meant for the person who asked.
// No transport details (HTTP codes, Slack) belong here.

export type ErrorCode =
  | 'invalid_input'
  | 'unknown_agent'
  | 'unknown_ticket'
  | 'agent_exists'
  | 'not_allowed'
  | 'invalid_state'
  | 'agent_unavailable'
  | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For input errors: which field or option was wrong. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, field?: string) => new DomainError('invalid_input', message, field);
export const unknownAgent = (handle: string) =>
  new DomainError('unknown_agent', `There is no agent \`${handle}\`. \`/agent list\` shows the roster.`, 'handle');
export const unknownTicket = (key: string) =>
  new DomainError('unknown_ticket', `There is no ticket \`${key}\`.`, 'key');
export const notAllowed = (message: string) => new DomainError('not_allowed', message);
export const invalidState = (message: string) => new DomainError('invalid_state', message);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
