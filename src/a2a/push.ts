// POST /a2a/push/{task}: an A2A agent's push notification about a task Baton gave it. The token Baton gave
// that task must come in X-A2A-Notification-Token (or as a bearer token); it is compared with the stored hash
// in constant time. A wrong or missing token gets 401 and changes nothing. A right one: Baton answers 200 at
// once, then acts on the state the notification carries (a completed task is read with tasks/get for its
// artifacts; anything else, as the sweep would).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { followA2aTask, taskOfPush } from '../app/a2aFollow.js';
import type { Deps } from '../app/context.js';
import type { Logger } from '../logger.js';
import { pushedView } from './sdk.js';

const BODY_MAX = 1024 * 1024;

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Reads the body as JSON (null when it is not), or false when it is over 1 MB. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of req) {
    n += (chunk as Buffer).length;
    if (n > BODY_MAX) return false;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers['x-a2a-notification-token'];
  const header = Array.isArray(h) ? h[0] : h;
  if (header) return header;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

export function a2aPushHandler(deps: Deps, logger: Logger, kick: () => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const id = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.split('/').pop() ?? '');
      const row = await taskOfPush(deps, id, tokenOf(req));
      if (!row) {
        logger.warn({ path: '/a2a/push' }, 'A2A push refused: unknown task or wrong token');
        answer(res, 401, { error: { code: 'unauthorized', message: 'Unknown task or wrong X-A2A-Notification-Token.' } });
        return;
      }
      const body = await readJson(req);
      if (body === false) {
        answer(res, 413, { error: { code: 'too_large', message: `The body is over ${BODY_MAX} bytes.` } });
        return;
      }
      answer(res, 200, { ok: true });
      const done = await followA2aTask(deps, row, pushedView(body));
      if (done) kick();
    } catch (e) {
      logger.warn({ err: String(e) }, 'acting on an A2A push failed; the sweep reads the task again');
      answer(res, 500, { error: { code: 'internal', message: 'Baton could not act on it now; it reads the task again on its next sweep.' } });
    }
  };
}
