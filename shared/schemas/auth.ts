import { z } from 'zod';

/** Emails are compared trimmed and lower-cased everywhere. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long')
  .pipe(z.email('Enter a valid email address'));

export const PasswordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(256, 'Password must be at most 256 characters');

export const NameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(100, 'Name must be at most 100 characters');

export const SignupSchema = z.strictObject({
  email: EmailSchema,
  name: NameSchema,
  password: PasswordSchema,
});
export type Signup = z.infer<typeof SignupSchema>;

export const LoginSchema = z.strictObject({
  email: EmailSchema,
  // Login never reveals the password policy: any non-empty string is checked.
  password: z.string().min(1, 'Password is required').max(256, 'Password must be at most 256 characters'),
});
export type Login = z.infer<typeof LoginSchema>;

export const RoleSchema = z.enum(['super_admin', 'developer', 'creator', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

export interface UserView {
  id: string;
  email: string;
  name: string;
  /** Whether the person showed they receive mail at `email` (the link of the verification mail, or an invitation's). */
  emailVerified: boolean;
}

/** A token from a verification mail link. */
export const VerifyEmailSchema = z.strictObject({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, 'Invalid token') });

export interface MembershipView {
  workspace: { id: string; name: string; parentId: string | null };
  role: Role;
}

export interface MeView {
  user: UserView;
  memberships: MembershipView[];
  /** What this console offers this person, beyond their roles. */
  features: {
    /** The dev outbox is active here (no SMTP, not production) and the person administers a workspace. */
    devOutbox: boolean;
  };
}
