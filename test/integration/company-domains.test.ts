import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { SIGNUP_MAX_PER_IP: '1000', TOKEN_LOOKUP_MAX_PER_HOUR: '10000', JOIN_MAX_PER_HOUR: '1000' } });
});
afterAll(() => server?.close());

let n = 0;
/** A fresh company domain for each test, and a Super Admin whose verified address is at it. */
async function company(verified = true) {
  const domain = `co${Date.now().toString(36)}${++n}.test`;
  const admin = await createUser(server.ctx, server.url, 'Admin', { email: `admin@${domain}`, verified });
  const ws = await createWorkspace(server.ctx, admin.user._id, [], `Company ${n}`);
  return { domain, admin, ws };
}
const setDomains = (client: ApiClient, ws: string, companyDomains: string[]) => client.request('PATCH', `/api/workspaces/${ws}`, { settings: { companyDomains } });

describe('a company domain belongs to whoever shows they own it', () => {
  it('a Super Admin adds the domain of their verified address; any other domain is refused with the reason and nothing changes', async () => {
    const { domain, admin, ws } = await company();
    const ok = await setDomains(admin.client, ws, [domain.toUpperCase()]);
    expect(ok.status).toBe(200);
    expect(ok.body.settings.companyDomains).toEqual([domain]);
    expect(await server.ctx.models.DomainClaim.findById(domain).lean()).toMatchObject({ rootId: ws, claimedBy: admin.user._id });

    const foreign = await setDomains(admin.client, ws, [domain, 'victim-corp.test']);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toEqual({
      code: 'forbidden',
      message: 'To add victim-corp.test, sign in with a verified address at victim-corp.test.',
      details: [{ path: 'settings.companyDomains', message: 'To add victim-corp.test, sign in with a verified address at victim-corp.test.' }],
    });
    expect((await server.ctx.models.Workspace.findById(ws).lean())!.settings.companyDomains).toEqual([domain]);
    expect(await server.ctx.models.DomainClaim.exists({ _id: 'victim-corp.test' })).toBeNull();
  });

  it('an unverified address does not count, even at the very domain', async () => {
    const { domain, admin, ws } = await company(false);
    const res = await setDomains(admin.client, ws, [domain]);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await server.ctx.models.DomainClaim.exists({ _id: domain })).toBeNull();
  });

  it('one domain belongs to one account tree: another tenant is refused (409) and cannot list its people; the tree’s own sub-workspaces may share it', async () => {
    const { domain, admin, ws } = await company();
    expect((await setDomains(admin.client, ws, [domain])).status).toBe(200);
    const colleague = await createUser(server.ctx, server.url, 'Colleague', { email: `colleague@${domain}` });

    // Someone else with a verified address at the same domain, in another account.
    const rival = await createUser(server.ctx, server.url, 'Rival', { email: `rival@${domain}` });
    const rivalWs = await createWorkspace(server.ctx, rival.user._id, [], 'Rival Inc');
    const taken = await setDomains(rival.client, rivalWs, [domain]);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toEqual({ code: 'conflict', message: `${domain} is already used by another organisation.`, details: [{ path: 'settings.companyDomains', message: `${domain} is already used by another organisation.` }] });
    expect((await rival.client.get(`/api/workspaces/${rivalWs}/suggestions`)).body.items).toEqual([]);

    // Inside the tree, a sub-workspace lists it too.
    const sub = (await admin.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'inherited', apiAccess: false })).body;
    expect((await setDomains(admin.client, sub.id, [domain])).status).toBe(200);
    expect((await admin.client.get(`/api/workspaces/${sub.id}/suggestions`)).body.items.map((p: { userId: string }) => p.userId).sort()).toEqual([colleague.user._id, rival.user._id].sort());

    // Given back once no workspace of the tree lists it: then it is free to claim.
    expect((await setDomains(admin.client, sub.id, [])).status).toBe(200);
    expect(await server.ctx.models.DomainClaim.exists({ _id: domain })).not.toBeNull();
    expect((await setDomains(admin.client, ws, [])).status).toBe(200);
    expect(await server.ctx.models.DomainClaim.exists({ _id: domain })).toBeNull();
    expect((await setDomains(rival.client, rivalWs, [domain])).status).toBe(200);
  });

  it('a domain listed without a claim (written before claims existed) suggests nobody and lets nobody join', async () => {
    const { ws, admin } = await company();
    const other = `legacy${Date.now().toString(36)}.test`;
    await createUser(server.ctx, server.url, 'Legacy', { email: `someone@${other}` });
    await server.ctx.models.Workspace.updateOne({ _id: ws }, { $set: { 'settings.companyDomains': [other] } });
    expect((await admin.client.get(`/api/workspaces/${ws}/suggestions`)).body.items).toEqual([]);
    const joiner = await createUser(server.ctx, server.url, 'Joiner', { email: `joiner@${other}` });
    expect((await joiner.client.get('/api/join/domain')).body.items).toEqual([]);
    expect((await joiner.client.post(`/api/workspaces/${ws}/join`)).status).toBe(404);
  });
});

describe('suggestions and domain joins count verified addresses only', () => {
  it('suggests verified people of the domain who are neither members nor invited, never unverified sign-ups, other domains or look-alikes', async () => {
    const { domain, admin, ws } = await company();
    expect((await setDomains(admin.client, ws, [domain])).status).toBe(200);
    const a = await createUser(server.ctx, server.url, 'Alice', { email: `alice@${domain}` });
    await createUser(server.ctx, server.url, 'Unverified', { email: `unverified@${domain}`, verified: false });
    await createUser(server.ctx, server.url, 'Other', { email: `other@x${domain}` });
    await createUser(server.ctx, server.url, 'Evil', { email: `evil@${domain}.evil.net` });
    const member = await createUser(server.ctx, server.url, 'Member', { email: `member@${domain}` });
    await addMember(server.ctx, ws, member.user, 'viewer');
    await createUser(server.ctx, server.url, 'Invited', { email: `invited@${domain}` });
    await admin.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: `invited@${domain}`, role: 'viewer' }] });
    const res = await admin.client.get(`/api/workspaces/${ws}/suggestions`);
    expect(res.body.items).toEqual([{ userId: a.user._id, name: a.user.name, email: `alice@${domain}` }]);
  });

  it('an unverified sign-up at the domain cannot join by domain; once verified, it joins at once, or by request when approval is required', async () => {
    const { domain, admin, ws } = await company();
    expect((await setDomains(admin.client, ws, [domain])).status).toBe(200);
    const colleague = new ApiClient(server.url);
    expect((await colleague.post('/api/auth/signup', { email: `jo@${domain}`, name: 'Jo', password: 'longenough' })).status).toBe(201);
    expect((await colleague.get('/api/join/domain')).body.items).toEqual([]);
    const refused = await colleague.post(`/api/workspaces/${ws}/join`);
    expect(refused.status).toBe(404);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(1);

    const mail = (await server.ctx.models.Outbox.findOne({ to: `jo@${domain}` }).lean())!;
    const token = /\/verify\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    expect((await colleague.post('/api/auth/verify-email', { token })).status).toBe(200);
    expect((await colleague.get('/api/join/domain')).body.items).toEqual([{ id: ws, name: expect.any(String), imageUrl: null, requireApproval: false }]);
    expect((await colleague.post(`/api/workspaces/${ws}/join`)).body).toEqual({ status: 'active', workspaceId: ws });
    expect((await colleague.get(`/api/workspaces/${ws}`)).body.role).toBe('viewer');

    // With approval required, a verified colleague's join is a request.
    await admin.client.request('PATCH', `/api/workspaces/${ws}`, { settings: { requireApproval: true } });
    const later = await createUser(server.ctx, server.url, 'Later', { email: `later@${domain}` });
    const pending = await later.client.post(`/api/workspaces/${ws}/join`);
    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({ status: 'pending', joinRequestId: expect.any(String), workspaceId: ws });
    // An outsider is not let in, and learns nothing.
    const outsider = await createUser(server.ctx, server.url, 'Outsider');
    expect((await outsider.client.post(`/api/workspaces/${ws}/join`)).status).toBe(404);
  });
});
