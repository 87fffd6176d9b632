import { enWorkspaces } from './en.workspaces.js';
import { enInvitations } from './en.invitations.js';
import { enAssets } from './en.assets.js';
import { enAudit } from './en.audit.js';
import { enAccount } from './en.account.js';
import { enBilling } from './en.billing.js';
import { enSharing } from './en.sharing.js';
import { enContent } from './en.content.js';
import { enVideos } from './en.videos.js';

/**
 * The English dictionary is the reference: every other locale must have
 * exactly its keys (see `Messages`). `{name}` marks a parameter of `t()`.
 */
export const en = {
  'app.name': 'Workspace Console',
  'app.tagline': 'Run every team, client and department from one console — live.',
  'app.skipToContent': 'Skip to content',
  'common.loading': 'Loading…',

  'language.label': 'Language',
  'language.en': 'English',
  'language.fr': 'French',

  'field.email': 'Email',
  'field.name': 'Full name',
  'field.password': 'Password',
  'field.password.hint': 'At least 8 characters.',

  'signin.title': 'Sign in',
  'signin.subtitle': 'Welcome back. Sign in to manage your workspaces.',
  'signin.submit': 'Sign in',
  'signin.pending': 'Signing in…',
  'signin.noAccount': 'New to Workspace Console?',
  'signin.toSignup': 'Create an account',

  'signup.title': 'Create your account',
  'signup.subtitle': 'It takes a minute. You can join your team right after.',
  'signup.submit': 'Create account',
  'signup.pending': 'Creating account…',
  'signup.haveAccount': 'Already have an account?',
  'signup.toSignin': 'Sign in',

  'validation.email.invalid': 'Enter a valid email address.',
  'validation.email.tooLong': 'This email address is too long.',
  'validation.email.taken': 'An account with this email already exists.',
  'validation.name.required': 'Enter your name.',
  'validation.name.tooLong': 'Your name must be at most 100 characters.',
  'validation.password.required': 'Enter your password.',
  'validation.password.tooShort': 'Your password must be at least 8 characters.',
  'validation.password.tooLong': 'Your password must be at most 256 characters.',
  'validation.required': 'This field is required.',
  'validation.invalid': 'This value is not valid.',

  'error.invalid_credentials': 'Email or password is incorrect.',
  'error.rate_limited.minute': 'Too many attempts. Try again in a minute.',
  'error.rate_limited.minutes': 'Too many attempts. Try again in {minutes} minutes.',
  'error.rate_limited.hours': 'Too many attempts. Try again in {hours} hours.',
  'error.rate_limited.later': 'Too many attempts. Try again in a little while.',
  'error.conflict': 'An account with this email already exists. Sign in instead.',
  'error.validation_failed': 'Some fields need your attention.',
  'error.unauthenticated': 'Your session has ended. Sign in to continue.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.not_found': 'We could not find what you were looking for.',
  'error.network': 'Cannot reach the server. Check your connection and try again.',
  'error.unknown': 'Something went wrong on our side. Try again in a moment.',

  'errorPage.title': 'Something went wrong',
  'errorPage.notFound.title': 'Page not found',
  'errorPage.notFound': 'There is no page at this address. The link may be mistyped or out of date.',
  'errorPage.back': 'Go back',
  'errorPage.home': 'Go to the home page',
  'errorPage.retry': 'Try again',

  'connection.live': 'Live',
  'connection.connecting': 'Connecting…',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',
  'connection.live.hint': 'Changes made by your team appear here as they happen.',
  'connection.reconnecting.hint': 'The live connection dropped. Trying again…',
  'connection.offline.hint': 'You are offline. Changes will show up once you are back online.',

  'shell.nav': 'Main',
  'shell.workspaces': 'Workspaces',
  'shell.noWorkspaces': 'No workspaces yet',
  'shell.account': 'Account',
  'shell.openAccountMenu': 'Account menu for {name}',
  'shell.signOut': 'Sign out',
  'shell.signingOut': 'Signing out…',
  'shell.menu': 'Menu',
  'shell.menu.close': 'Close the menu',

  'home.title': 'Home',
  'home.welcome': 'Welcome, {name}',
  'home.intro': 'Here are the workspaces you belong to and your role in each.',
  'home.workspaces': 'Your workspaces',
  'home.subworkspace': 'Sub-workspace',
  'home.roleLabel': 'Your role',
  'home.empty.title': 'You’re not in a workspace yet',
  'home.empty.body': 'Ask a workspace admin to invite {email}. Once you accept the invitation, the workspace appears here.',
  'home.empty.next': 'Or start a workspace of your own below: you become its owner.',

  'role.super_admin': 'Super Admin',
  'role.developer': 'Developer',
  'role.creator': 'Creator',
  'role.viewer': 'Viewer',

  ...enWorkspaces,
  ...enInvitations,
  ...enAssets,
  ...enAudit,
  ...enAccount,
  ...enBilling,
  ...enSharing,
  ...enContent,
  ...enVideos,
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
/** A complete dictionary: every key of `en`, no more. */
export type Messages = Record<MessageKey, string>;
