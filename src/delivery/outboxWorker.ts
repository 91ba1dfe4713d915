// The delivery loop with Slack as its destination: what Baton runs today.
import type { WebClient } from '@slack/web-api';
import { DeliveryLoop, type DeliveryLoopOptions } from './loop.js';
import { slackDestination } from './slackDestination.js';

export interface OutboxWorkerOptions extends Omit<DeliveryLoopOptions, 'destination'> {
  client: WebClient;
}

export class OutboxWorker extends DeliveryLoop {
  constructor(o: OutboxWorkerOptions) {
    const { client, ...rest } = o;
    super({ ...rest, destination: slackDestination({ client, database: o.database }) });
  }
}
