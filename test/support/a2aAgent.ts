// A real A2A agent for the tests, built with @a2a-js/sdk's server (an AgentExecutor behind express, JSON-RPC,
// push notifications on) on loopback. What it does depends on the ticket's title: `complete` works, writes an
// artifact and completes; `ask` asks a question (input-required) and completes with the answer it gets;
// `fail` fails with a reason; `auth` asks for authorization. It records every message it receives. `refuse(status)`
// makes it answer every call with that HTTP status (its card is still served) until `refuse(null)`.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { A2A_PROTOCOL_VERSION, AGENT_CARD_PATH, Role, TaskState, type AgentCard, type Message, type Part, type Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultPushNotificationSender,
  DefaultRequestHandler,
  InMemoryPushNotificationStore,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';

export interface Received {
  taskId: string;
  contextId: string;
  text: string;
  data: Record<string, unknown> | null;
}

export interface TestA2aAgent {
  url: string;
  received: Received[];
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

export async function startA2aAgent(name = 'Test Agent'): Promise<TestA2aAgent> {
  const received: Received[] = [];
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name,
    description: 'Answers refunds and research tickets in the tests.',
    supportedInterfaces: [{ url: `${url}/`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: [
      { id: 'refunds', name: 'Refunds', description: 'Refunds orders.', tags: [], examples: [], inputModes: [], outputModes: [], securityRequirements: [] },
      { id: 'research', name: 'Research', description: 'Looks things up.', tags: [], examples: [], inputModes: [], outputModes: [], securityRequirements: [] },
    ],
    documentationUrl: '',
    signatures: [],
  } as AgentCard;
  const pushStore = new InMemoryPushNotificationStore();
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new ScriptedExecutor(received), undefined, pushStore, new DefaultPushNotificationSender(pushStore, { timeout: 5000 }));
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  // Not a card: for the refusal.
  app.get('/not-a-card/.well-known/agent-card.json', (_req, res) => void res.json({ hello: 'world' }));
  let refusing: number | null = null;
  const agent = {
    url,
    received,
    refused: 0,
    refuse: (status: number | null) => void (refusing = status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  app.use((req, res, next) => {
    if (refusing === null || req.method !== 'POST') return next();
    agent.refused++;
    res.status(refusing).type('text/plain').send('this client is not allowed to send tasks here');
  });
  app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  return agent;
}
