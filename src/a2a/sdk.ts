// The A2A port with the official SDK (@a2a-js/sdk): the card resolver reads and normalises Agent Cards
// (v1.0, and v0.3 through the SDK's compatibility layer), the client factory picks the transport the card
// names, and every call has a 10 s timeout.
import { randomUUID } from 'node:crypto';
import { Role, TaskState, taskStateFromJSON, type AgentCard, type Message, type Part, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory, type Client } from '@a2a-js/sdk/client';
import { A2aCallError, type A2aOutgoing, type A2aPort, type A2aState, type A2aTaskView } from '../app/a2aPort.js';
import type { A2aLink } from '../core/types.js';

const TIMEOUT_MS = 10_000;
const CARD_PATH = '.well-known/agent-card.json';

const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });

const STATES: Record<number, A2aState> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
};

/** What went wrong with a call, in words: the network error's code and message, or the SDK's. */
function describe(e: unknown): { text: string; transient: boolean } {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return { text: `no answer within ${TIMEOUT_MS / 1000} s`, transient: true };
  if (err?.cause?.code || err?.message === 'fetch failed') {
    return { text: [err.cause?.code, err.cause?.message ?? err.message].filter(Boolean).join(': '), transient: true };
  }
  const text = String(err?.message ?? e);
  // An HTTP answer says its status (`Status: 403 Forbidden`): 5xx, 408 and 429 may work later, any other refuses for good.
  const status = Number(/\bStatus: (\d{3})\b/.exec(text)?.[1] ?? NaN);
  return { text, transient: Number.isNaN(status) ? /\b5\d\d\b/.test(text) : status >= 500 || status === 408 || status === 429 };
}

function textOf(parts: readonly Part[] | undefined): string {
  return (parts ?? [])
    .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
    .filter((s) => s.trim() !== '')
    .join('\n');
}

function viewOf(r: Task | Message): A2aTaskView {
  if ('status' in r || 'artifacts' in r) {
    const t = r as Task;
    return {
      taskId: t.id,
      state: STATES[t.status?.state ?? -1] ?? 'unknown',
      message: textOf(t.status?.message?.parts),
      artifacts: (t.artifacts ?? []).map((a) => textOf(a.parts)).filter(Boolean).join('\n\n'),
      ...(t.status?.timestamp ? { at: t.status.timestamp } : {}),
    };
  }
  const m = r as Message;
  return { taskId: m.taskId, state: 'completed', message: '', artifacts: textOf(m.parts) };
}

/**
 * The state a push notification body carries (the JSON form of a StreamResponse): a `statusUpdate` or a
 * `task`; null for anything else (an artifact update, a message) or a body that is not one.
 */
export function pushedView(body: unknown): A2aTaskView | null {
  const b = body as { statusUpdate?: { taskId?: unknown; status?: unknown }; task?: { id?: unknown; status?: unknown } } | null;
  const from = b?.statusUpdate ? { taskId: b.statusUpdate.taskId, status: b.statusUpdate.status } : b?.task ? { taskId: b.task.id, status: b.task.status } : null;
  const status = from?.status as { state?: unknown; timestamp?: unknown; message?: { parts?: Array<{ text?: unknown }> } } | undefined;
  if (!from || typeof from.taskId !== 'string' || !status || status.state === undefined) return null;
  let state: A2aState = 'unknown';
  try {
    state = STATES[taskStateFromJSON(status.state)] ?? 'unknown';
  } catch {
    // not a state the protocol knows
  }
  const message = (status.message?.parts ?? []).map((p) => (typeof p?.text === 'string' ? p.text : '')).filter(Boolean).join('\n');
  return { taskId: from.taskId, state, message, artifacts: '', ...(typeof status.timestamp === 'string' ? { at: status.timestamp } : {}) };
}

/** What makes a card a card: a name and at least one interface to talk to. */
function checkCard(card: unknown, where: string): AgentCard {
  const c = card as Partial<AgentCard> | null;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new A2aCallError(`${where} is not an Agent Card: it is not a JSON object`, false);
  if (typeof c.name !== 'string' || c.name.trim() === '') throw new A2aCallError(`${where} is not an Agent Card: it has no \`name\``, false);
  const interfaces = Array.isArray(c.supportedInterfaces) ? c.supportedInterfaces.filter((i) => i && typeof i.url === 'string' && i.url !== '') : [];
  if (interfaces.length === 0) throw new A2aCallError(`${where} is not an Agent Card: it names no interface (\`supportedInterfaces\` or \`url\`) to send messages to`, false);
  return c as AgentCard;
}

export function sdkA2aPort(): A2aPort {
  const resolver = new DefaultAgentCardResolver({ fetchImpl: timedFetch, legacyCompat: { enabled: true } });
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: timedFetch, legacyCompat: { enabled: true } }), new RestTransportFactory({ fetchImpl: timedFetch, legacyCompat: { enabled: true } })],
      cardResolver: resolver,
    }),
  );

  async function clientFor(link: A2aLink): Promise<Client> {
    try {
      return await factory.createFromAgentCard(link.card as AgentCard);
    } catch (e) {
      throw new A2aCallError(`the card of ${link.url} names no transport Baton speaks (${describe(e).text})`, false);
    }
  }

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof A2aCallError) throw e;
      const d = describe(e);
      throw new A2aCallError(`${what}: ${d.text}`, d.transient);
    }
  }

  return {
    async readCard(url) {
      const where = `${url}/${CARD_PATH}`;
      let raw: AgentCard;
      try {
        raw = await resolver.resolve(`${url}/`, CARD_PATH);
      } catch (e) {
        const d = describe(e);
        throw new A2aCallError(e instanceof SyntaxError ? `${where} is not an Agent Card: it is not JSON` : `could not read ${where} (${d.text})`, d.transient);
      }
      const card = checkCard(raw, where);
      return { url, name: card.name.trim(), skills: (card.skills ?? []).map((s) => s?.name || s?.id).filter((s): s is string => typeof s === 'string' && s !== ''), card };
    },

    async send(link, m: A2aOutgoing) {
      const client = await clientFor(link);
      const parts: Part[] = [{ content: { $case: 'text', value: m.text }, metadata: undefined, filename: '', mediaType: 'text/plain' }];
      if (m.data) parts.push({ content: { $case: 'data', value: m.data }, metadata: undefined, filename: '', mediaType: 'application/json' });
      const result = await call(`sending to ${link.name}`, () =>
        client.sendMessage({
          tenant: '',
          metadata: {},
          message: { messageId: randomUUID(), role: Role.ROLE_USER, parts, contextId: m.contextId, taskId: m.taskId ?? '', extensions: [], metadata: {}, referenceTaskIds: [] },
          configuration: {
            acceptedOutputModes: ['text/plain', 'application/json'],
            returnImmediately: true,
            taskPushNotificationConfig: m.push ? { id: '', taskId: m.taskId ?? '', tenant: '', url: m.push.url, token: m.push.token, authentication: undefined } : undefined,
          },
        }),
      );
      return viewOf(result);
    },

    async getTask(link, taskId) {
      const client = await clientFor(link);
      return viewOf(await call(`reading task ${taskId} of ${link.name}`, () => client.getTask({ tenant: '', id: taskId })));
    },
  };
}
