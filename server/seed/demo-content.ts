import type { AppContext } from '../context.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import type { PutSharing } from '../../shared/schemas/content.js';
import { loadWorkspace } from '../workspaces/access.js';
import { createItem, updateItem } from '../content/item.service.js';
import { loadItem } from '../content/access-loader.js';
import { putSharing } from '../sharing/sharing.service.js';
import { requestAccess } from '../sharing/access-request.service.js';

type People = Record<'owner' | 'dev' | 'creator' | 'viewer', UserDoc>;

/**
 * The demo's content tree, made through the same services as the API: a
 * campaign folder open to the whole workspace (its drafts inherit it), a
 * leadership folder shared with one person until a date, a draft shared with
 * specific people (a Viewer given edit stays view-only), a private draft, and
 * a pending access request in the owner's bell.
 */
export async function seedContent(ctx: AppContext, studio: WorkspaceDoc, people: People) {
  const as = (user: UserDoc) => loadWorkspace(ctx, studio._id, user._id);
  const make = async (user: UserDoc, input: Parameters<typeof createItem>[3]) => createItem(ctx, await as(user), user._id, input);
  const share = async (user: UserDoc, itemId: string, input: PutSharing) => {
    const access = await as(user);
    await putSharing(ctx, access, await loadItem(ctx, access, itemId, user._id), input, user._id);
  };

  const campaign = await make(people.creator, { kind: 'folder', name: 'Spring campaign' });
  await make(people.creator, { kind: 'draft', name: 'Teaser — 30 seconds', parentId: campaign.id, body: 'Spring is here. Meet the new Demo Studio collection, made for long days outside.' });
  const launch = await make(people.creator, { kind: 'draft', name: 'Launch video script', parentId: campaign.id, body: 'Hi, I am Olivia. In the next two minutes I will show you what is new this spring.' });
  await updateItem(ctx, await as(people.owner), people.owner._id, launch.id, { body: 'Hi, I am Olivia. In the next two minutes I will show you everything that is new this spring — and how to get it first.' });
  await share(people.creator, campaign.id, { general: { scope: 'workspace', role: 'view' }, grants: [{ userId: people.owner._id, role: 'edit' }] });

  const leadership = await make(people.owner, { kind: 'folder', name: 'Leadership' });
  await make(people.owner, { kind: 'draft', name: 'Quarterly update', parentId: leadership.id, body: 'This quarter we shipped three campaigns and welcomed two new clients.' });
  const fortnight = new Date(ctx.now().getTime() + 14 * 86_400_000).toISOString();
  await share(people.owner, leadership.id, { grants: [{ userId: people.dev._id, role: 'view', expiresAt: fortnight }] });

  const onboarding = await make(people.owner, { kind: 'draft', name: 'Onboarding welcome', body: 'Welcome to Demo Studio! This video walks you through your first week.' });
  // Victor is a Viewer: the edit he is given is stored as view.
  await share(people.owner, onboarding.id, { grants: [{ userId: people.creator._id, role: 'edit' }, { userId: people.viewer._id, role: 'edit' }] });

  await make(people.owner, { kind: 'draft', name: 'Ideas (private)', body: 'A behind-the-scenes series?' });

  // Victor found a link to the leadership folder and asks to see it.
  await requestAccess(ctx, await as(people.viewer), leadership.id, people.viewer, { role: 'view', message: 'Could I read the quarterly update?' });
}
