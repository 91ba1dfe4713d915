/**
 * A stand-in for the Slack Web API, for end-to-end tests, benchmarks and the `npm run demo` script.
 *
 * It is a plain `node:http` server on 127.0.0.1 (random port) that understands what
 * `@slack/web-api`'s `WebClient` sends, records every call, answers with plausible Slack
 * responses, keeps the messages of every channel (with threads) so it can print a readable
 * transcript, and lets a test inject failures (HTTP 500/503, 429 with `Retry-After`,
 * `ok:false` errors, slow answers, dropped connections) and a per-channel rate limit.
 *
 * ```ts
 * const fake = await startFakeSlack();
 * const app = new App({ token: 'xoxb-test', signingSecret, clientOptions: { slackApiUrl: fake.url } });
 * // ... drive the app (see test/support/slackRequests.ts) ...
 * const post = await fake.waitFor(() => fake.posts('C_AGENT')[0]);
 * console.log(fake.transcript());
 * await fake.close();
 * ```
 *
 * Wire format handled (what WebClient really does, see @slack/web-api WebClient#serializeBody):
 * - `POST {slackApiUrl}{method}`; `slackApiUrl` must end with `/` (WebClient appends one if
 *   missing) — use {@link FakeSlack.url}, i.e. `http://127.0.0.1:PORT/api/`.
 * - body `application/x-www-form-urlencoded`; every non-scalar argument (`blocks`, `view`,
 *   `attachments`, `metadata`...) is a JSON string. The fake decodes them back into objects in
 *   the recorded `args`. `application/json` bodies and multipart bodies are accepted too.
 *   Booleans and numbers arrive as strings (`"true"`, `"5"`) and are recorded as such.
 * - the token is in `Authorization: Bearer xoxb-…` (or, for old clients, a `token` argument).
 * - anything but HTTP 200 or 429 becomes a `WebAPIHTTPError`; a 429 is retried after
 *   `Retry-After` seconds unless the client has `rejectRateLimitedCalls: true`.
 *
 * Where things are: server.ts (the server and its API), methods/ (the built-in answers, one file per
 * method group), store.ts (what the workspace holds), faults.ts (injected failures and rate limits),
 * responseUrls.ts, wire.ts (request decoding), transcript.ts (readable transcripts).
 */
export { FakeSlack, startFakeSlack } from './server.js';
export { renderBlocks } from './transcript.js';
export type * from './types.js';
