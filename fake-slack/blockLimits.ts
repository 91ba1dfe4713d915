// Slack's documented Block Kit limits, checked the way Slack checks them: a payload that breaks one is
// refused with `invalid_blocks` and a list of `message [json-pointer:/path]` lines. The fake Slack Web API
// runs every chat.postMessage / chat.postEphemeral / chat.update / views.* payload through it, and the
// tests use it directly on the builders, so a limit is written down once.
//
// Sources: docs.slack.dev reference pages for blocks, block elements, composition objects, modal and
// Home tab views (blocks per surface, text lengths, element counts, identifier lengths).

/** Where a payload is shown: the number of blocks allowed differs. */
export type Surface = 'message' | 'modal' | 'home';

export const BLOCK_KIT_LIMITS = {
  blocks: { message: 50, modal: 100, home: 100 },
  /** chat.postMessage `text`: longer is refused with msg_too_long */
  messageText: 40_000,
  blockId: 255,
  actionId: 255,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  overflowOptions: 5,
  choiceOptions: 10,
  inputLabel: 2000,
  inputHint: 2000,
  inputMaxLength: 3000,
  imageAltText: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

const L = BLOCK_KIT_LIMITS;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];
  add(message: string, path: string): void {
    this.errors.push(`${message} [json-pointer:${path}]`);
  }
  maxLen(v: unknown, max: number, path: string): void {
    if (typeof v === 'string' && v.length > max) this.add(`must be less than ${max + 1} characters`, path);
  }
  /** A text object: plain_text or mrkdwn, non-empty text within `max`. */
  text(v: unknown, path: string, max: number = L.textObject, kinds: readonly string[] = ['plain_text', 'mrkdwn']): void {
    if (!isObj(v)) return this.add('must provide an object', path);
    if (!kinds.includes(String(v.type))) return this.add(`must be one of ${kinds.join(', ')}`, `${path}/type`);
    if (typeof v.text !== 'string' || v.text.length === 0) return this.add('must be more than 0 characters', `${path}/text`);
    this.maxLen(v.text, max, `${path}/text`);
  }
  confirm(v: unknown, path: string): void {
    if (v === undefined) return;
    if (!isObj(v)) return this.add('must provide an object', path);
    this.text(v.title, `${path}/title`, L.confirmTitle, ['plain_text']);
    this.text(v.text, `${path}/text`, L.confirmText);
    this.text(v.confirm, `${path}/confirm`, L.confirmButton, ['plain_text']);
    this.text(v.deny, `${path}/deny`, L.confirmButton, ['plain_text']);
  }
  options(list: unknown, path: string, max: number, min = 1): void {
    if (!Array.isArray(list)) return this.add('must provide an array', path);
    if (list.length < min) this.add(`must provide at least ${min} items`, path);
    if (list.length > max) this.add(`must provide no more than ${max} items`, path);
    list.forEach((o, i) => {
      const p = `${path}/${i}`;
      if (!isObj(o)) return this.add('must provide an object', p);
      this.text(o.text, `${p}/text`, L.optionText);
      if (typeof o.value !== 'string' || o.value.length === 0) this.add('must be more than 0 characters', `${p}/value`);
      this.maxLen(o.value, L.optionValue, `${p}/value`);
      if (o.description !== undefined) this.text(o.description, `${p}/description`, L.optionDescription);
    });
  }
  element(v: unknown, path: string): void {
    if (!isObj(v)) return this.add('must provide an object', path);
    this.maxLen(v.action_id, L.actionId, `${path}/action_id`);
    if (v.placeholder !== undefined) this.text(v.placeholder, `${path}/placeholder`, L.placeholder, ['plain_text']);
    this.confirm(v.confirm, `${path}/confirm`);
    switch (v.type) {
      case 'button':
        this.text(v.text, `${path}/text`, L.buttonText, ['plain_text']);
        this.maxLen(v.value, L.buttonValue, `${path}/value`);
        this.maxLen(v.url, L.url, `${path}/url`);
        if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') {
          this.add('must be one of primary, danger', `${path}/style`);
        }
        break;
      case 'static_select':
      case 'multi_static_select':
        if (v.option_groups === undefined) this.options(v.options, `${path}/options`, L.selectOptions);
        break;
      case 'overflow':
        this.options(v.options, `${path}/options`, L.overflowOptions, 1);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(v.options, `${path}/options`, L.choiceOptions);
        break;
      case 'plain_text_input':
        for (const k of ['min_length', 'max_length'] as const) {
          const n = v[k];
          if (n !== undefined && (typeof n !== 'number' || n < 0 || n > L.inputMaxLength)) {
            this.add(`must be between 0 and ${L.inputMaxLength}`, `${path}/${k}`);
          }
        }
        if (typeof v.initial_value === 'string' && typeof v.max_length === 'number' && v.initial_value.length > v.max_length) {
          this.add(`must be less than ${v.max_length + 1} characters`, `${path}/initial_value`);
        }
        break;
      case 'image':
        this.maxLen(v.image_url, L.url, `${path}/image_url`);
        this.maxLen(v.alt_text, L.imageAltText, `${path}/alt_text`);
        break;
      default:
        break;
    }
  }
  block(b: unknown, path: string, blockIds: Set<string>): void {
    if (!isObj(b)) return this.add('must provide an object', path);
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length === 0) this.add('must be more than 0 characters', `${path}/block_id`);
      this.maxLen(b.block_id, L.blockId, `${path}/block_id`);
      if (typeof b.block_id === 'string') {
        if (blockIds.has(b.block_id)) this.add('must be unique (duplicate block_id)', `${path}/block_id`);
        blockIds.add(b.block_id);
      }
    }
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined) this.add('must provide text or fields', path);
        if (b.text !== undefined) this.text(b.text, `${path}/text`, L.sectionText);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) this.add('must provide an array', `${path}/fields`);
          else {
            if (b.fields.length > L.sectionFields) this.add(`must provide no more than ${L.sectionFields} items`, `${path}/fields`);
            b.fields.forEach((f, i) => this.text(f, `${path}/fields/${i}`, L.sectionField));
          }
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${path}/accessory`);
        break;
      case 'header':
        this.text(b.text, `${path}/text`, L.headerText, ['plain_text']);
        break;
      case 'context': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) return this.add('must provide at least 1 items', `${path}/elements`);
        if (els.length > L.contextElements) this.add(`must provide no more than ${L.contextElements} items`, `${path}/elements`);
        els.forEach((e, i) => {
          if (isObj(e) && e.type === 'image') this.element(e, `${path}/elements/${i}`);
          else this.text(e, `${path}/elements/${i}`);
        });
        break;
      }
      case 'actions': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) return this.add('must provide at least 1 items', `${path}/elements`);
        if (els.length > L.actionsElements) this.add(`must provide no more than ${L.actionsElements} items`, `${path}/elements`);
        const ids = new Set<string>();
        els.forEach((e, i) => {
          this.element(e, `${path}/elements/${i}`);
          const id = isObj(e) ? e.action_id : undefined;
          if (typeof id === 'string') {
            if (ids.has(id)) this.add('must be unique (duplicate action_id)', `${path}/elements/${i}/action_id`);
            ids.add(id);
          }
        });
        break;
      }
      case 'input':
        this.text(b.label, `${path}/label`, L.inputLabel, ['plain_text']);
        if (b.hint !== undefined) this.text(b.hint, `${path}/hint`, L.inputHint, ['plain_text']);
        this.element(b.element, `${path}/element`);
        break;
      case 'image':
        this.maxLen(b.image_url, L.url, `${path}/image_url`);
        this.maxLen(b.alt_text, L.imageAltText, `${path}/alt_text`);
        if (b.title !== undefined) this.text(b.title, `${path}/title`, 2000, ['plain_text']);
        break;
      case 'divider':
      case 'rich_text':
      case 'file':
      case 'video':
        break;
      default:
        this.add(`unsupported block type ${JSON.stringify(b.type)}`, `${path}/type`);
    }
  }
  blocks(list: unknown, surface: Surface, path: string): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) return this.add('must provide an array', path);
    const max = L.blocks[surface];
    if (list.length > max) this.add(`must provide no more than ${max} items`, path);
    const ids = new Set<string>();
    list.forEach((b, i) => this.block(b, `${path}/${i}`, ids));
  }
}

/** The problems of a message's blocks (chat.postMessage, chat.update, chat.postEphemeral); empty when fine. */
export function messageBlockErrors(blocks: unknown): string[] {
  const c = new Checker();
  c.blocks(blocks, 'message', '/blocks');
  return c.errors;
}

/** The problems of a view (views.open/push/update/publish); empty when fine. */
export function viewErrors(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view)) {
    c.add('must provide an object', '/view');
    return c.errors;
  }
  const surface: Surface = view.type === 'home' ? 'home' : 'modal';
  if (view.type !== 'home' && view.type !== 'modal') c.add('must be one of modal, home', '/view/type');
  if (!Array.isArray(view.blocks)) c.add('must provide an array', '/view/blocks');
  c.blocks(view.blocks, surface, '/view/blocks');
  c.maxLen(view.private_metadata, L.privateMetadata, '/view/private_metadata');
  c.maxLen(view.callback_id, L.callbackId, '/view/callback_id');
  c.maxLen(view.external_id, L.callbackId, '/view/external_id');
  if (surface === 'modal') {
    c.text(view.title, '/view/title', L.viewTitle, ['plain_text']);
    if (view.submit !== undefined) c.text(view.submit, '/view/submit', L.viewButton, ['plain_text']);
    if (view.close !== undefined) c.text(view.close, '/view/close', L.viewButton, ['plain_text']);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.add('must provide submit when the view has input blocks', '/view/submit');
  }
  return c.errors;
}
