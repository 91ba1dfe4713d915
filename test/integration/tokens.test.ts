// API tokens at the use cases (src/app/tokens.ts) on every database: issued once (only the hash kept), replaced,
// revoked, who may, and which tokens name an agent: never a malformed, unknown, revoked one, nor one older than
// the agent of its handle.
import { describe, expect, it } from 'vitest';
import { addAgent, removeAgent } from '../../src/app/agents.js';
import { agentOfToken, hashToken, issueToken, revokeToken } from '../../src/app/tokens.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, expectDomainError, MIN, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('API tokens on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string) => addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('issued to its own user or an admin: bat_ and 43 characters, only its hash kept, the trail says so without it; a new one replaces the old', async () => {
    await add('iris');
    const a = await issueToken(deps, user('UIRIS'), { handle: 'iris' });
    expect(a.token).toMatch(/^bat_[A-Za-z0-9_-]{43}$/);
    expect(a).toMatchObject({ agent: { handle: 'iris' }, replaced: false });
    expect(JSON.stringify(await snapshot(db))).not.toContain(a.token);
    expect(await db.rows(db.db, (await import('drizzle-orm')).sql`select token_hash from agent_tokens`)).toEqual([{ token_hash: hashToken(a.token) }]);
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'UIRIS', action: 'token_issued', note: null });
    expect((await agentOfToken(deps, a.token))?.handle).toBe('iris');

    clock.advance(MIN);
    const b = await issueToken(deps, admin, { user: 'UIRIS' });
    expect(b.replaced).toBe(true);
    expect(b.token).not.toBe(a.token);
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: ADMIN, action: 'token_issued', note: 'the previous token was revoked' });
    expect(await agentOfToken(deps, a.token)).toBeNull();
    expect((await agentOfToken(deps, b.token))?.handle).toBe('iris');
    // The agent itself with its token.
    const c = await issueToken(deps, agentPrincipal('iris', 'api'), { handle: 'iris' });
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'agent:iris' });
    expect((await agentOfToken(deps, c.token))?.handle).toBe('iris');

    await add('maya');
    const before = await snapshot(db);
    await expectDomainError(issueToken(deps, user('UMAYA'), { handle: 'iris' }), 'not_allowed', "Only iris's own user or an admin can get an API token for it.");
    await expectDomainError(issueToken(deps, agentPrincipal('maya', 'api'), { handle: 'iris' }), 'not_allowed', "The token of maya can't get an API token for it: only iris itself or an admin can.");
    await expectDomainError(revokeToken(deps, user('UMAYA'), { handle: 'iris' }), 'not_allowed', "Only iris's own user or an admin can revoke its API token.");
    await expectDomainError(issueToken(deps, admin, { handle: 'ghost' }), 'unknown_agent', /ghost/);
    expect(await snapshot(db)).toEqual(before);
  });

  it('revoked: it stops working, in the trail; revoking when there is none says so and writes nothing', async () => {
    await add('iris');
    const a = await issueToken(deps, admin, { handle: 'iris' });
    const r = await revokeToken(deps, user('UIRIS'), { handle: 'iris' });
    expect(r).toMatchObject({ agent: { handle: 'iris' }, revoked: true });
    expect(await agentOfToken(deps, a.token)).toBeNull();
    expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ actor: 'UIRIS', action: 'token_revoked' });
    const before = await snapshot(db);
    expect((await revokeToken(deps, admin, { handle: 'iris' })).revoked).toBe(false);
    expect(await snapshot(db)).toEqual(before);
  });

  it('malformed, unknown, or older than the agent now of its handle: no agent', async () => {
    await add('iris');
    const a = await issueToken(deps, admin, { handle: 'iris' });
    expect(await agentOfToken(deps, `${a.token} `)).toBeNull();
    expect(await agentOfToken(deps, a.token.replace('bat_', 'bot_'))).toBeNull();
    expect(await agentOfToken(deps, `bat_${'a'.repeat(31)}`)).toBeNull();
    expect(await agentOfToken(deps, `bat_${'a'.repeat(32)}`)).toBeNull(); // well formed, unknown
    expect(await agentOfToken(deps, `x${a.token}`)).toBeNull();
    // Removed and added again later: the old token was the old agent's.
    await removeAgent(deps, admin, { handle: 'iris' });
    clock.advance(MIN);
    await add('iris');
    expect(await agentOfToken(deps, a.token)).toBeNull();
    // Issued in the same instant the agent was added: it is its own.
    const b = await issueToken(deps, admin, { handle: 'iris' });
    expect((await agentOfToken(deps, b.token))?.handle).toBe('iris');
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
