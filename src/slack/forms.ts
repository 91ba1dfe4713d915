// Submitted forms turned into use-case input, with each refusal placed on the input it is about.
// Pure: the lookups that need the roster are the listener's.
import type { NewTicketInput } from '../core/commands.js';
import { parseDuration } from '../core/duration.js';
import { isDomainError } from '../core/errors.js';
import { parseAgentRef, parseTicketKey, parseTicketType } from '../core/parse/index.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { HANDOFF_IDS, NEW_TICKET_IDS, readNewTicketModal, type ModalStateValues } from './views.js';

/** Refusals by block ID, as `response_action: 'errors'` wants them. */
export type FormErrors = Record<string, string>;

/** Reads and checks the new-ticket form; `errors` is empty when `input` can be filed. */
export function readNewTicketForm(values: ModalStateValues | null | undefined): { input: NewTicketInput; errors: FormErrors } {
  const ids = NEW_TICKET_IDS;
  const v = readNewTicketModal(values);
  const errors: FormErrors = {};
  const input: NewTicketInput = { handoff: [], context: v.context, title: v.title.split('\n')[0]!.trim(), description: v.description || v.title };
  const field = <T>(blockId: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      errors[blockId] = isDomainError(e) ? e.message : 'This value is not valid.';
      return undefined;
    }
  };
  field(ids.title.blockId, () => validateText(input.title, 'title', LIMITS.title, { required: true }));
  field(ids.description.blockId, () => validateText(input.description, 'description', LIMITS.description));
  if (v.type) input.type = field(ids.type.blockId, () => parseTicketType(v.type!, 'Type'));
  if (v.priority) input.priority = v.priority;
  if (v.escalate) input.escalateAfterSec = field(ids.escalate.blockId, () => parseDuration(v.escalate!, 'escalate'));
  if (v.assign) input.assign = field(ids.assign.blockId, () => parseAgentRef(v.assign!, 'Assign to'));
  for (const h of v.handoff) {
    const ref = field(ids.handoff.blockId, () => parseAgentRef(h, 'Hand off'));
    if (ref) input.handoff.push(ref);
  }
  if (v.follows) input.follows = field(ids.follows.blockId, () => parseTicketKey(v.follows!, 'Follows'));
  if (v.contextErrors.length) errors[ids.context.blockId] = `Write one \`key: value\` per line; not understood: ${v.contextErrors.slice(0, 3).join('; ')}`;
  return { input, errors };
}

/** The new-ticket form's input a refusal of `fileTicket` is about (by its field), if any. */
export function newTicketBlockFor(field: string | undefined): string | undefined {
  const ids = NEW_TICKET_IDS;
  switch (field) {
    case 'title':
      return ids.title.blockId;
    case 'description':
      return ids.description.blockId;
    case 'type':
      return ids.type.blockId;
    case 'handle':
    case 'assign':
      return ids.assign.blockId;
    case 'handoff':
      return ids.handoff.blockId;
    case 'key':
    case 'follows':
      return ids.follows.blockId;
    case 'context':
      return ids.context.blockId;
    default:
      return undefined;
  }
}

/** The handoff form's input a refusal of `handoffTicket` is about (by its field), if any. */
export function handoffBlockFor(field: string | undefined): string | undefined {
  if (field === 'handle' || field === 'agent') return HANDOFF_IDS.agent.blockId;
  if (field === 'note' || field === 'summary') return HANDOFF_IDS.note.blockId;
  if (field === 'done' || field === 'open_questions' || field === 'acceptance_criteria' || field === 'links') return HANDOFF_IDS[field].blockId;
  return undefined;
}
