import type { RunningServer } from '../server/server.js';
import { createSession } from '../server/accounts/session.service.js';
import { notify } from '../server/notifications/notification.service.js';
import { ApiClient } from '../test/support/client.js';
import { createWorkspace } from '../test/support/factories.js';

/** One request the growth benchmark times: a list, or a permission-checked read. */
export interface Endpoint {
  label: string;
  /** Lists are held to the growth targets; permission-checked reads are reported beside them. */
  list: boolean;
  cookie: string;
  path: string;
}

/**
 * The small tenant whose lists are timed: an account with a sub-workspace,
 * five people, a company domain with a colleague to suggest, assets (one
 * shared into the sub-workspace), two invitations, a pending join request,
 * forty events (thirty of them in the audit log) and twenty notifications —
 * made through the services, as the API would.
 */
export async function buildSmallTenant(node: RunningServer) {
  const { ctx } = node;
  const stamp = Date.now().toString(36);
  const domain = `small${stamp}.test`;
  const person = async (name: string, email = `${name.toLowerCase()}.${stamp}@example.com`) => {
    const user = (await ctx.models.User.create({ email, name, passwordHash: 'x', emailVerifiedAt: new Date() })).toObject();
    const { token } = await createSession(ctx, user._id, {});
    const client = new ApiClient(node.url);
    client.cookie = `sid=${token}`;
    return { user, client, email };
  };
  const owner = await person('Owner', `owner@${domain}`);
  const admin = await person('Admin');
  const creator = await person('Creator');
  await person('Colleague', `colleague@${domain}`);
  const invitee = await person('Invitee');
  const joiner = await person('Joiner');
  const ws = await createWorkspace(ctx, owner.user._id, [{ userId: admin.user._id, role: 'super_admin' }, { userId: creator.user._id, role: 'creator' }], 'Small tenant');
  const ok = async (reply: Promise<{ status: number; body: any }>) => {
    const r = await reply;
    if (r.status >= 300) throw new Error(`setting up the small tenant: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await ok(owner.client.request('PATCH', `/api/workspaces/${ws}`, { settings: { companyDomains: [domain], requireApproval: true } }));
  const sub = (await ok(owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Studio', billingMode: 'inherited', apiAccess: false }))).id as string;
  const voice = await ok(owner.client.post(`/api/workspaces/${ws}/assets`, { kind: 'voice', name: 'Announcer' }));
  await ok(owner.client.post(`/api/workspaces/${sub}/assets`, { kind: 'template', name: 'Intro' }));
  await ok(owner.client.post(`/api/workspaces/${ws}/assets/${voice.id}/shares`, { workspaceIds: [sub] }));
  await ok(owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee.email, role: 'viewer' }, { email: `stranger.${stamp}@elsewhere.test`, role: 'creator' }] }));
  const link = await ok(owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' }));
  await ok(joiner.client.post(`/api/join/${link.token}`));
  for (let n = 0; n < 40; n++) {
    const audit = n % 4 ? { target: { kind: 'workspace', id: ws, label: 'Small tenant' }, before: { n: n - 1 }, after: { n } } : undefined;
    await ctx.publisher.toWorkspace(ws, 'members', { type: 'workspace.updated', actorId: owner.user._id, data: { n } as never, audit });
  }
  for (let n = 0; n < 20; n++) await notify(ctx, owner.user._id, { type: 'member.roleChanged', workspaceId: ws, data: { workspaceName: 'Small tenant', n } });

  const o = owner.client.cookie;
  const endpoints: Endpoint[] = [
    { label: 'GET /api/workspaces/:id', list: false, cookie: o, path: `/api/workspaces/${ws}` },
    { label: 'GET /api/me', list: false, cookie: o, path: '/api/me' },
    { label: 'members', list: true, cookie: o, path: `/api/workspaces/${ws}/members` },
    { label: 'invitations', list: true, cookie: o, path: `/api/workspaces/${ws}/invitations` },
    { label: 'join requests (workspace)', list: true, cookie: o, path: `/api/workspaces/${ws}/join-requests?status=pending` },
    { label: 'join requests (/api/me)', list: true, cookie: joiner.client.cookie, path: '/api/me/join-requests' },
    { label: 'invitations (/api/me)', list: true, cookie: invitee.client.cookie, path: '/api/me/invitations' },
    { label: 'notifications', list: true, cookie: o, path: '/api/notifications' },
    { label: 'audit', list: true, cookie: o, path: `/api/workspaces/${ws}/audit` },
    { label: 'assets (with shared-in)', list: true, cookie: o, path: `/api/workspaces/${sub}/assets` },
    { label: 'domain suggestions', list: true, cookie: o, path: `/api/workspaces/${ws}/suggestions` },
    { label: 'sub-workspaces', list: true, cookie: o, path: `/api/workspaces/${ws}/subworkspaces` },
    { label: 'workspace tree (/api/workspaces)', list: true, cookie: o, path: '/api/workspaces' },
  ];
  return { ws, ownerCookie: o, endpoints };
}
