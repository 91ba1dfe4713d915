// The delivery loop with Slack as its 'slack' destination, and any others (webhooks, A2A) given.
import type { WebClient } from '@slack/web-api';
import { DeliveryLoop, type DeliveryLoopOptions } from './loop.js';
import { slackDestination } from './slackDestination.js';

export interface OutboxWorkerOptions extends Omit<DeliveryLoopOptions, 'destinations'> {
  client: WebClient;
  /** Destinations besides Slack, by kind. */
  destinations?: DeliveryLoopOptions['destinations'];
}

export class OutboxWorker extends DeliveryLoop {
  constructor(o: OutboxWorkerOptions) {
    const { client, destinations, ...rest } = o;
    super({ ...rest, destinations: { ...destinations, slack: slackDestination({ client, database: o.database }) } });
  }
}
