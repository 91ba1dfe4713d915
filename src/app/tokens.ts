// API tokens: an agent's key to the HTTP API (and MCP). Shown once to whoever issued it; only its hash is kept.
import { createHash, randomBytes } from 'node:crypto';
import type { AgentRef } from '../core/commands.js';
import { actorName, assertCanActAsAgent, type Principal } from '../core/permissions.js';
import type { Agent } from '../core/types.js';
import { getAgent } from '../storage/agents.js';
import { deleteToken, replaceToken, tokenByHash } from '../storage/tokens.js';
import { findAgent } from './assignment.js';
import { inTransaction, type Deps } from './context.js';

/** `bat_` and 43 URL-safe characters (32 random bytes). */
const TOKEN_SHAPE = /^bat_[A-Za-z0-9_-]{32,200}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new token for an agent; its previous token stops working in the same transaction. */
export async function issueToken(deps: Deps, by: Principal, ref: AgentRef): Promise<{ agent: Agent; token: string; replaced: boolean }> {
  const token = `bat_${randomBytes(32).toString('base64url')}`;
  return inTransaction(deps, async (uow) => {
    const agent = await findAgent(uow.tx, ref);
    assertCanActAsAgent(by, agent, deps.policy, 'get an API token for it');
    const replaced = await deleteToken(uow.tx, agent.handle);
    await replaceToken(uow.tx, { handle: agent.handle, tokenHash: hashToken(token), createdAt: uow.now, createdBy: actorName(by) });
    // The trail says that a token was issued, never what it is.
    await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: actorName(by), action: 'token_issued', note: replaced ? 'the previous token was revoked' : null });
    return { agent, token, replaced };
  });
}

/** Revoke an agent's token; `revoked` is false when it had none. */
export async function revokeToken(deps: Deps, by: Principal, ref: AgentRef): Promise<{ agent: Agent; revoked: boolean }> {
  return inTransaction(deps, async (uow) => {
    const agent = await findAgent(uow.tx, ref);
    assertCanActAsAgent(by, agent, deps.policy, 'revoke its API token');
    const revoked = await deleteToken(uow.tx, agent.handle);
    if (revoked) await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: actorName(by), action: 'token_revoked' });
    return { agent, revoked };
  });
}

/**
 * The agent a bearer token belongs to, or null for a token that is malformed, unknown, revoked, or older
 * than the agent (issued to an agent of the same handle that has since been removed).
 */
export async function agentOfToken(deps: Deps, token: string): Promise<Agent | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const db = deps.database.db;
  const found = await tokenByHash(db, hashToken(token));
  if (!found) return null;
  const agent = await getAgent(db, found.handle);
  return agent && agent.createdAt <= found.createdAt ? agent : null;
}
