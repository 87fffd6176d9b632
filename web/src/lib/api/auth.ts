import type { Login, MeView, Signup, UserView } from '$shared/schemas/auth.js';
import { api, type Fetch } from './client.js';

export const signUp = (input: Signup) => api<{ user: UserView }>('POST', '/auth/signup', { body: input });

export const signIn = (input: Login) => api<{ user: UserView }>('POST', '/auth/login', { body: input });

export const signOut = () => api<void>('POST', '/auth/logout');

/** The signed-in user and their workspaces; rejects with `unauthenticated` when signed out. */
export const getMe = (fetch?: Fetch) => api<MeView>('GET', '/me', { fetch });

/** Public: the token of a verification mail's link; works signed out. */
export const verifyEmail = (token: string) => api<{ user: UserView }>('POST', '/auth/verify-email', { body: { token } });

/** Mails a new verification link (older ones stop working); rate limited. */
export const resendVerification = () => api<void>('POST', '/auth/verify-email/resend');
