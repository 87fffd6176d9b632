import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { UserDoc } from '../accounts/user.model.js';
import { addSeats, updateWorkspace } from '../workspaces/workspace.service.js';
import { createAccount } from '../commands/create-account.js';
import { addMembership, changeRole } from '../workspaces/member.service.js';
import { createSubworkspace } from '../commands/create-subworkspace.js';
import { createInvitations } from '../invitations/invitation.service.js';
import { joinByLink, setInviteLink } from '../invitations/invite-link.service.js';
import { createAsset, shareAsset } from '../assets/asset.service.js';
import { purchase, setAllocations } from '../credits/credits.service.js';
import { holdCredits, settleHold } from '../credits/holds.js';
import { seedContent } from './demo-content.js';
import { seedVideo } from './demo-video.js';

export interface DemoAccount {
  email: string;
  password: string;
  workspaceId: string;
  /** The demo video's public share page, when its render finished. */
  videoUrl: string | null;
}

const DEMO_PEOPLE = [
  { key: 'owner', email: 'owner@demo.example', name: 'Olivia Owner', role: 'super_admin' },
  { key: 'dev', email: 'dev@demo.example', name: 'Dev Patel', role: 'developer' },
  { key: 'creator', email: 'creator@demo.example', name: 'Chloé Martin', role: 'creator' },
  { key: 'viewer', email: 'viewer@demo.example', name: 'Victor Viewer', role: 'viewer' },
  // Not a member yet: she asks to join Marketing through its link.
  { key: 'ana', email: 'ana@demo.example', name: 'Ana Lima', role: null },
  // Not a member either: a colleague the workspace suggests inviting.
  { key: 'sam', email: 'sam@demo.example', name: 'Sam Rivera', role: null },
] as const satisfies ReadonlyArray<{ key: string; email: string; name: string; role: Role | null }>;

type Key = (typeof DEMO_PEOPLE)[number]['key'];

/**
 * On an empty database (no account at all), creates a demo account that
 * shows each feature at work on first sign-in, through the same services
 * the API uses (so the audit log and the notifications are real): a root
 * workspace with members of every role, its company domain, an inherited
 * sub-workspace that requires approval (with a pending join request) and an
 * independent one with API access, a library with a shared brand kit, a
 * pending invitation, a bought seat pack and a role change in the audit
 * log, credits bought, allocated to Marketing and spent on a render, and a content tree shared in several ways, and a published video with captions in two languages. Everyone's address is verified; all share one random password.
 * Never called in production.
 */
export async function seedDemo(ctx: AppContext): Promise<DemoAccount | null> {
  if (ctx.config.NODE_ENV === 'production') return null;
  if ((await ctx.models.User.estimatedDocumentCount()) > 0) return null;
  const password = randomBytes(9).toString('base64url');
  const passwordHash = await ctx.hasher.hash(password);
  const verifiedAt = ctx.now();
  const created = await ctx.models.User.insertMany(DEMO_PEOPLE.map((p) => ({ email: p.email, name: p.name, passwordHash, locale: 'en', emailVerifiedAt: verifiedAt })));
  const people = Object.fromEntries(DEMO_PEOPLE.map((p, i) => [p.key, created[i]!.toObject() as UserDoc])) as Record<Key, UserDoc>;
  const owner = people.owner;

  const root = await createAccount(ctx, owner, 'Demo Studio');
  for (const p of DEMO_PEOPLE) if (p.role && p.key !== 'owner') await addMembership(ctx, root, people[p.key], p.role === 'developer' ? 'viewer' : p.role, owner._id);
  // Dev started as a Viewer and was promoted: the audit log shows the change.
  await changeRole(ctx, root, people.dev._id, 'developer', owner._id);
  const studio = await updateWorkspace(ctx, root, { settings: { companyDomains: ['demo.example'] } }, owner);
  await addSeats(ctx, studio, 5, owner._id);

  const { workspace: marketing } = await createSubworkspace(ctx, studio, owner, {
    name: 'Marketing',
    billingMode: 'inherited',
    apiAccess: false,
    members: [
      { email: people.creator.email, role: 'creator' },
      { email: people.viewer.email, role: 'viewer' },
    ],
  });
  const { workspace: agency } = await createSubworkspace(ctx, studio, owner, {
    name: 'Acme (agency client)',
    billingMode: 'independent',
    apiAccess: true,
    members: [{ email: people.dev.email, role: 'developer' }],
  });

  const brandKit = await createAsset(ctx, studio, owner._id, { kind: 'brand_kit', name: 'Demo Studio brand', data: { colors: ['#4F46E5', '#F59E0B', '#111827'], fonts: ['Inter'] } });
  const avatar = await createAsset(ctx, studio, people.creator._id, { kind: 'avatar', name: 'Olivia in the studio', data: { look: 'Blazer, warm light', style: 'studio' } });
  const voice = await createAsset(ctx, studio, people.creator._id, { kind: 'voice', name: 'Warm narrator', data: { language: 'en', gender: 'female' } });
  await createAsset(ctx, studio, people.creator._id, { kind: 'template', name: 'Product launch', data: { layout: { title: { text: 'Introducing…', size: 48 }, scenes: [{ kind: 'intro' }, { kind: 'demo' }, { kind: 'outro' }] } } });
  await shareAsset(ctx, studio, brandKit.id, [marketing._id, agency._id], owner._id);
  await createAsset(ctx, agency, people.dev._id, { kind: 'voice', name: 'Acme announcer', data: { language: 'en', gender: 'male' } });

  // Marketing asks for approval: Ana's request through its link waits for an admin.
  const marketingNow = await updateWorkspace(ctx, marketing, { settings: { requireApproval: true } }, owner);
  const link = await setInviteLink(ctx, marketingNow, owner, { role: 'viewer', maxUses: 25 });
  await joinByLink(ctx, link.token!, people.ana);

  // Credits: the studio buys a pack and gives Marketing a share of it (Marketing spent some on a render);
  // the agency client, independent, buys its own.
  const buyer = { purchase: true, allocate: true };
  await purchase(ctx, studio, { item: 'generative_credits', quantity: 500 }, owner._id, buyer);
  await setAllocations(ctx, marketing, { generativeCredits: 120, apiCredits: 0 }, owner._id);
  const render = { workspaceId: marketing._id, kind: 'generative' as const, workId: `demo-render-${marketing._id}`, ref: { kind: 'video', id: 'demo', label: 'Spring campaign teaser' }, actorId: people.creator._id };
  await holdCredits(ctx, render, 2);
  await settleHold(ctx, render, 2, 1);
  await purchase(ctx, agency, { item: 'generative_credits', quantity: 200 }, owner._id, buyer);
  await purchase(ctx, agency, { item: 'api_credits', quantity: 2000 }, owner._id, buyer);

  // Content: folders with drafts shared in several ways, so the Content tab and the share dialog are alive.
  await seedContent(ctx, studio, people);
  // A video rendered for real, captioned in English and French, published: its share page opens without signing in.
  const videoUrl = await seedVideo(ctx, studio, people.creator, { avatarId: avatar.id, voiceId: voice.id, brandKitId: brandKit.id });

  // An invitation waiting for an answer (its mail is on the Sent mail page).
  await createInvitations(ctx, studio, owner, [{ email: 'jordan@partner.example', role: 'creator' }]);

  return { email: owner.email, password, workspaceId: studio._id, videoUrl };
}
