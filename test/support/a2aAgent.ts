// A real A2A agent for the tests, built with @a2a-js/sdk's server (an AgentExecutor behind express, JSON-RPC,
// push notifications on) on loopback. What it does depends on the ticket's title: `complete` works, writes an
// artifact and completes; `ask` asks a question (input-required) and completes with the answer it gets;
// `fail` fails with a reason; `auth` asks for authorization. It records every message it receives, the
// JSON-RPC method and `A2A-Version` header of every call, and every push notification it sends. `refuse(status)`
// makes it answer every call with that HTTP status (its card is still served) until `refuse(null)`.
//
// `protocol: '0.3'` makes it an agent that speaks only A2A v0.3, with the SDK's v0.3 compatibility server: it
// serves a v0.3 Agent Card (`protocolVersion`, `url`, `preferredTransport`, no `supportedInterfaces`) at
// /.well-known/agent-card.json whatever `A2A-Version` a client asks for, answers only the v0.3 JSON-RPC methods
// (`message/send`, `tasks/get`, …; `LegacyJsonRpcTransportHandler`: a v1.0 `SendMessage` is an unknown method
// there), and pushes v0.3 bodies (`createLegacyAwarePushNotificationSender`: the whole v0.3 Task, `kind: 'task'`, on
// each update, as plain JSON with the token in X-A2A-Notification-Token).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { A2A_PROTOCOL_VERSION, AGENT_CARD_PATH, Role, TaskState, type AgentCard, type Message, type Part, type Task } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { createLegacyAwarePushNotificationSender, LegacyJsonRpcTransportHandler, V03PushNotificationSerializer, type LegacyRestTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  AgentEvent,
  DefaultPushNotificationSender,
  DefaultRequestHandler,
  defaultServerCallContextBuilder,
  InMemoryPushNotificationStore,
  InMemoryTaskStore,
  V1PushNotificationSerializer,
  type AgentExecutor,
  type ExecutionEventBus,
  type PushNotificationSerializer,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';

/** An Agent Card as A2A v0.3 defines it (the SDK's own v0.3 type). */
type V03AgentCard = Awaited<ReturnType<LegacyRestTransportHandler['getAuthenticatedExtendedAgentCard']>>;

export interface Received {
  taskId: string;
  contextId: string;
  text: string;
  data: Record<string, unknown> | null;
}

/** A JSON-RPC call the agent received: its method and the `A2A-Version` header it came with. */
export interface Call {
  method: string;
  version: string | null;
}

/** A push notification the agent sent: its content type and body. */
export interface Pushed {
  contentType: string;
  body: Record<string, unknown>;
}

export interface TestA2aAgent {
  url: string;
  /** The protocol version it speaks. */
  protocol: '1.0' | '0.3';
  received: Received[];
  calls: Call[];
  pushed: Pushed[];
  /** Calls refused (with the status `refuse` set), in order. */
  refused: number;
  /** From now on every JSON-RPC call is answered with this HTTP status and a plain-text body; null: answered again. */
  refuse(status: number | null): void;
  close(): Promise<void>;
}

const text = (value: string): Part => ({ content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: 'text/plain' });
const agentMessage = (taskId: string, contextId: string, value: string): Message => ({
  role: Role.ROLE_AGENT,
  messageId: crypto.randomUUID(),
  parts: [text(value)],
  taskId,
  contextId,
  extensions: [],
  metadata: {},
  referenceTaskIds: [],
});
/** A short pause between steps, as a real agent takes (Baton has recorded the task by then). */
const pause = () => new Promise((r) => setTimeout(r, 150));

class ScriptedExecutor implements AgentExecutor {
  constructor(private readonly received: Received[]) {}

  cancelTask = async (): Promise<void> => {};

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId } = ctx;
    const m = ctx.userMessage;
    const said = m.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('\n');
    const dataPart = m.parts.find((p) => p.content?.$case === 'data');
    this.received.push({ taskId, contextId, text: said, data: dataPart?.content?.$case === 'data' ? (dataPart.content.value as Record<string, unknown>) : null });
    const snapshot: Task = ctx.task ?? {
      id: taskId,
      contextId,
      status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: new Date().toISOString(), message: undefined },
      artifacts: [],
      history: [m],
      metadata: {},
    };
    bus.publish(AgentEvent.task(snapshot));
    const status = (state: TaskState, message?: string) =>
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, timestamp: new Date().toISOString(), message: message ? agentMessage(taskId, contextId, message) : undefined }, metadata: {} }));
    const artifact = (value: string) =>
      bus.publish(AgentEvent.artifactUpdate({ taskId, contextId, artifact: { artifactId: crypto.randomUUID(), name: 'result', description: '', parts: [text(value)], metadata: undefined, extensions: [] }, lastChunk: true, append: false, metadata: undefined }));
    await pause();
    status(TaskState.TASK_STATE_WORKING);
    await pause();
    const title = said.split('\n')[0] ?? '';
    if (ctx.task) {
      // The answer to our question.
      artifact(`Done for ${said.trim()}`);
      status(TaskState.TASK_STATE_COMPLETED);
    } else if (/\bcomplete\b/.test(title)) {
      artifact('Refund issued: 42 EUR');
      status(TaskState.TASK_STATE_COMPLETED);
    } else if (/\bask\b/.test(title)) {
      status(TaskState.TASK_STATE_INPUT_REQUIRED, 'Which order number?');
    } else if (/\bfail\b/.test(title)) {
      status(TaskState.TASK_STATE_FAILED, 'cannot reach the billing system');
    } else if (/\bauth\b/.test(title)) {
      status(TaskState.TASK_STATE_AUTH_REQUIRED, 'sign in to the billing system');
    }
  }
}

/** Records what `inner` writes, then returns it. */
const recording = (inner: PushNotificationSerializer, pushed: Pushed[]): PushNotificationSerializer => ({
  serialize(streamResponse, task) {
    const out = inner.serialize(streamResponse, task);
    pushed.push({ contentType: out.contentType, body: JSON.parse(out.body) as Record<string, unknown> });
    return out;
  },
});

const SKILLS = [
  { id: 'refunds', name: 'Refunds', description: 'Refunds orders.' },
  { id: 'research', name: 'Research', description: 'Looks things up.' },
];

export async function startA2aAgent(name = 'Test Agent', o: { protocol?: '1.0' | '0.3' } = {}): Promise<TestA2aAgent> {
  const protocol = o.protocol ?? '1.0';
  const received: Received[] = [];
  const calls: Call[] = [];
  const pushed: Pushed[] = [];
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name,
    description: 'Answers refunds and research tickets in the tests.',
    supportedInterfaces: [{ url: `${url}/`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: protocol === '0.3' ? A2A_LEGACY_PROTOCOL_VERSION : A2A_PROTOCOL_VERSION }],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: SKILLS.map((k) => ({ ...k, tags: [], examples: [], inputModes: [], outputModes: [], securityRequirements: [] })),
    documentationUrl: '',
    signatures: [],
  } as AgentCard;
  const pushStore = new InMemoryPushNotificationStore();
  const pushSender =
    protocol === '0.3'
      ? createLegacyAwarePushNotificationSender(pushStore, { timeout: 5000, serializers: { '0.3': recording(new V03PushNotificationSerializer(), pushed) } })
      : new DefaultPushNotificationSender(pushStore, { timeout: 5000, serializers: { '1.0': recording(new V1PushNotificationSerializer(), pushed) } });
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new ScriptedExecutor(received), undefined, pushStore, pushSender);
  if (protocol === '0.3') {
    // The card as a v0.3 agent serves it, to every client.
    const v03Card: V03AgentCard = {
      name,
      description: card.description,
      protocolVersion: '0.3.0',
      version: '1.0.0',
      url: `${url}/`,
      preferredTransport: 'JSONRPC',
      capabilities: { streaming: false, pushNotifications: true, stateTransitionHistory: false },
      defaultInputModes: ['text'],
      defaultOutputModes: ['text'],
      skills: SKILLS.map((k) => ({ ...k, tags: [] })),
    };
    app.get(`/${AGENT_CARD_PATH}`, (_req, res) => void res.type('application/json').send(JSON.stringify(v03Card)));
  } else {
    app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  }
  // Not a card: for the refusal.
  app.get('/not-a-card/.well-known/agent-card.json', (_req, res) => void res.json({ hello: 'world' }));
  let refusing: number | null = null;
  const agent = {
    url,
    protocol,
    received,
    calls,
    pushed,
    refused: 0,
    refuse: (status: number | null) => void (refusing = status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  app.use((req, res, next) => {
    if (refusing === null || req.method !== 'POST') return next();
    agent.refused++;
    res.status(refusing).type('text/plain').send('this client is not allowed to send tasks here');
  });
  app.post('/', express.json(), (req, _res, next) => {
    calls.push({ method: String((req.body as { method?: unknown } | undefined)?.method ?? ''), version: req.header('A2A-Version') ?? null });
    next();
  });
  if (protocol === '0.3') {
    const rpc = new LegacyJsonRpcTransportHandler(handler);
    app.post('/', async (req, res) => {
      const context = defaultServerCallContextBuilder({ extensions: undefined, user: await UserBuilder.noAuthentication(), headers: req.headers, requestedVersion: A2A_LEGACY_PROTOCOL_VERSION });
      const answer = await rpc.handle(req.body as Record<string, unknown>, context);
      if (Symbol.asyncIterator in answer) {
        res.status(501).type('text/plain').send('streaming is not offered');
        return;
      }
      res.json(answer);
    });
  } else {
    app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  }
  return agent;
}
