import type { AppContext } from '../context.js';
import { AppError, notFound } from '../http/errors.js';
import { hashToken, newToken } from '../db/ids.js';
import { isDuplicateKey } from '../db/claims.js';
import { sendQuietly } from '../mail/mailer.js';
import { verificationMail } from '../mail/templates.js';
import { isVerified, presentUser, type UserDoc } from './user.model.js';

const verifyUrl = (ctx: AppContext, token: string) => `${ctx.publicUrl()}/verify/${token}`;

/**
 * Mails a new verification link. Every older link of the person stops
 * working: only the newest mail counts.
 */
export async function sendVerification(ctx: AppContext, user: UserDoc) {
  if (isVerified(user)) return;
  const now = ctx.now();
  await ctx.models.EmailVerification.updateMany({ userId: user._id, replacedAt: null }, { $set: { replacedAt: now } });
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ctx.config.VERIFICATION_TTL_HOURS * 3_600_000);
  await ctx.models.EmailVerification.create({ _id: hashToken(token), userId: user._id, email: user.email, createdAt: now, expiresAt, replacedAt: null });
  await sendQuietly(ctx.mailer, ctx.log, verificationMail(user.locale ?? 'en', user.email, { name: user.name, url: verifyUrl(ctx, token), expiresAt }));
}

/** Records that the person receives mail at their address; every tab of theirs hears of it. */
export async function markVerified(ctx: AppContext, user: UserDoc): Promise<UserDoc> {
  if (isVerified(user)) return user;
  const verified = { ...user, emailVerifiedAt: ctx.now() };
  await ctx.models.User.updateOne({ _id: user._id }, { $set: { emailVerifiedAt: verified.emailVerifiedAt } });
  await ctx.publisher.toUser(user._id, { type: 'user.verified', actorId: user._id, data: { user: presentUser(verified) } });
  return verified;
}

/**
 * Opens a verification link. Unknown: 404; replaced by a newer one, used,
 * or for an address the account no longer has: 410 `revoked`; too old: 410
 * `expired`. Two clicks at once verify once: the use is claimed by insert.
 */
export async function verifyEmail(ctx: AppContext, token: string): Promise<UserDoc> {
  const id = hashToken(token);
  const link = await ctx.models.EmailVerification.findById(id).lean();
  const user = link ? await ctx.models.User.findById(link.userId).lean() : null;
  if (!link || !user) throw notFound('This verification link does not exist');
  if (link.replacedAt) throw new AppError('revoked', 'This link was replaced by a newer one. Use the link of the latest mail.', { reason: 'replaced' });
  if (link.email !== user.email) throw new AppError('revoked', 'This link was sent to an address the account no longer has.', { reason: 'address_changed' });
  if (link.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('expired', 'This link has expired. Ask for a new one from the app.');
  try {
    await ctx.models.EmailVerificationUse.create({ _id: id, at: ctx.now() });
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError('revoked', 'This link was already used.', { reason: 'used' });
    throw err;
  }
  return markVerified(ctx, user);
}
