import type { Role } from '../../shared/schemas/auth.js';
import type { Mail } from './mailer.js';

export type Locale = 'en' | 'fr';

const ROLE_NAMES: Record<Locale, Record<Role, string>> = {
  en: { super_admin: 'Super Admin', developer: 'Developer', creator: 'Creator', viewer: 'Viewer' },
  fr: { super_admin: 'Super administrateur', developer: 'Développeur', creator: 'Créateur', viewer: 'Lecteur' },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(paragraphs: string[], action?: { label: string; url: string }): { text: string; html: string } {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : [])].join('\n\n') + '\n';
  const html =
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">' +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    (action
      ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#6b7280">${escapeHtml(action.url)}</p>`
      : '') +
    '</body></html>';
  return { text, html };
}

export function invitationMail(locale: Locale, to: string, p: { workspace: string; inviter: string; role: Role; url: string; expiresAt: Date }): Mail {
  const role = ROLE_NAMES[locale][p.role];
  const date = p.expiresAt.toLocaleDateString(locale === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  if (locale === 'fr') {
    return {
      to,
      subject: `${p.inviter} vous invite à rejoindre ${p.workspace}`,
      ...layout([`${p.inviter} vous invite à rejoindre l’espace de travail « ${p.workspace} » en tant que ${role}.`, `L’invitation expire le ${date}.`], {
        label: 'Accepter l’invitation',
        url: p.url,
      }),
    };
  }
  return {
    to,
    subject: `${p.inviter} invited you to join ${p.workspace}`,
    ...layout([`${p.inviter} invited you to join the workspace “${p.workspace}” as ${role}.`, `The invitation expires on ${date}.`], {
      label: 'Accept the invitation',
      url: p.url,
    }),
  };
}

export function joinDecisionMail(locale: Locale, to: string, p: { workspace: string; approved: boolean; role: Role; url: string }): Mail {
  const role = ROLE_NAMES[locale][p.role];
  if (locale === 'fr') {
    return p.approved
      ? { to, subject: `Votre demande pour ${p.workspace} est acceptée`, ...layout([`Vous êtes maintenant membre de « ${p.workspace} » en tant que ${role}.`], { label: 'Ouvrir l’espace de travail', url: p.url }) }
      : { to, subject: `Votre demande pour ${p.workspace} a été refusée`, ...layout([`Votre demande pour rejoindre « ${p.workspace} » a été refusée.`]) };
  }
  return p.approved
    ? { to, subject: `Your request to join ${p.workspace} was approved`, ...layout([`You are now a member of “${p.workspace}” as ${role}.`], { label: 'Open the workspace', url: p.url }) }
    : { to, subject: `Your request to join ${p.workspace} was declined`, ...layout([`Your request to join “${p.workspace}” was declined.`]) };
}

/** To whom asked for access to an item: the item is named only once access is given. */
export function accessDecisionMail(locale: Locale, to: string, p: { item: string | null; approved: boolean; role: 'view' | 'edit'; url: string }): Mail {
  if (locale === 'fr') {
    const role = p.role === 'edit' ? 'modification' : 'consultation';
    return p.approved
      ? { to, subject: `Accès accordé\u00a0: ${p.item}`, ...layout([`Votre demande d’accès à «\u00a0${p.item}\u00a0» a été acceptée (${role}).`], { label: 'Ouvrir', url: p.url }) }
      : { to, subject: 'Votre demande d’accès a été refusée', ...layout(['Votre demande d’accès a été refusée.']) };
  }
  const role = p.role === 'edit' ? 'can edit' : 'can view';
  return p.approved
    ? { to, subject: `Access granted: ${p.item}`, ...layout([`Your request for access to “${p.item}” was approved (${role}).`], { label: 'Open it', url: p.url }) }
    : { to, subject: 'Your request for access was declined', ...layout(['Your request for access was declined.']) };
}

export function verificationMail(locale: Locale, to: string, p: { name: string; url: string; expiresAt: Date }): Mail {
  const date = p.expiresAt.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
  if (locale === 'fr') {
    return {
      to,
      subject: 'Confirmez votre adresse e-mail',
      ...layout([`Bonjour ${p.name},`, 'Confirmez que cette adresse est bien la vôtre pour rejoindre les espaces de travail de votre entreprise et recevoir les invitations dans l’application.', `Le lien expire le ${date}. Si vous n’avez pas créé de compte, ignorez ce message.`], {
        label: 'Confirmer mon adresse',
        url: p.url,
      }),
    };
  }
  return {
    to,
    subject: 'Verify your email address',
    ...layout([`Hello ${p.name},`, 'Confirm that this address is yours to join your company’s workspaces and get invitations in the app.', `The link expires on ${date}. If you did not create an account, ignore this message.`], {
      label: 'Verify my address',
      url: p.url,
    }),
  };
}
