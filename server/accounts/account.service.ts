import type { AppContext } from '../context.js';
import type { Login, Signup } from '../../shared/schemas/auth.js';
import { AppError, conflict } from '../http/errors.js';
import { isDuplicateKey } from '../db/claims.js';
import type { UserDoc } from './user.model.js';

/** Creates an account. Emails arrive normalised by the schema; the unique index settles races. */
export async function signUp(ctx: AppContext, input: Signup, locale: 'en' | 'fr' | null = null): Promise<UserDoc> {
  if (await ctx.models.User.exists({ email: input.email })) throw emailTaken();
  const passwordHash = await ctx.hasher.hash(input.password);
  try {
    const user = await ctx.models.User.create({ email: input.email, name: input.name, passwordHash, locale });
    return user.toObject();
  } catch (err) {
    if (isDuplicateKey(err)) throw emailTaken();
    throw err;
  }
}

const emailTaken = () =>
  conflict('An account with this email already exists. Sign in instead.', [{ path: 'email', message: 'This email is already registered' }]);

/**
 * Checks a password. An unknown email and a wrong password get the same
 * error, after the same amount of hashing work.
 */
export async function verifyCredentials(ctx: AppContext, input: Login): Promise<UserDoc> {
  const user = await ctx.models.User.findOne({ email: input.email }).lean();
  const ok = user ? await ctx.hasher.verify(user.passwordHash, input.password) : await ctx.hasher.verifyAgainstNothing(input.password);
  if (!user || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect');
  return user;
}
