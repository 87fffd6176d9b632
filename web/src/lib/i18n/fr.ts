import type { Messages } from './en.js';
import { frWorkspaces } from './fr.workspaces.js';
import { frInvitations } from './fr.invitations.js';
import { frAssets } from './fr.assets.js';
import { frAudit } from './fr.audit.js';
import { frAccount } from './fr.account.js';
import { frBilling } from './fr.billing.js';
import { frSharing } from './fr.sharing.js';
import { frContent } from './fr.content.js';
import { frVideos } from './fr.videos.js';

export const fr: Messages = {
  'app.name': 'Workspace Console',
  'app.tagline': 'Pilotez chaque équipe, client et service depuis une seule console, en temps réel.',
  'app.skipToContent': 'Aller au contenu',
  'common.loading': 'Chargement…',

  'language.label': 'Langue',
  'language.en': 'Anglais',
  'language.fr': 'Français',

  'field.email': 'Adresse e-mail',
  'field.name': 'Nom complet',
  'field.password': 'Mot de passe',
  'field.password.hint': 'Au moins 8 caractères.',

  'signin.title': 'Connexion',
  'signin.subtitle': 'Bon retour parmi nous. Connectez-vous pour gérer vos espaces de travail.',
  'signin.submit': 'Se connecter',
  'signin.pending': 'Connexion…',
  'signin.noAccount': 'Nouveau sur Workspace Console ?',
  'signin.toSignup': 'Créer un compte',

  'signup.title': 'Créez votre compte',
  'signup.subtitle': 'Cela prend une minute. Vous pourrez rejoindre votre équipe juste après.',
  'signup.submit': 'Créer le compte',
  'signup.pending': 'Création du compte…',
  'signup.haveAccount': 'Vous avez déjà un compte ?',
  'signup.toSignin': 'Se connecter',

  'validation.email.invalid': 'Saisissez une adresse e-mail valide.',
  'validation.email.tooLong': 'Cette adresse e-mail est trop longue.',
  'validation.email.taken': 'Un compte existe déjà avec cette adresse e-mail.',
  'validation.name.required': 'Saisissez votre nom.',
  'validation.name.tooLong': 'Votre nom doit faire au plus 100 caractères.',
  'validation.password.required': 'Saisissez votre mot de passe.',
  'validation.password.tooShort': 'Votre mot de passe doit contenir au moins 8 caractères.',
  'validation.password.tooLong': 'Votre mot de passe doit contenir au plus 256 caractères.',
  'validation.required': 'Ce champ est obligatoire.',
  'validation.invalid': 'Cette valeur n’est pas valide.',

  'error.invalid_credentials': 'Adresse e-mail ou mot de passe incorrect.',
  'error.rate_limited.minute': 'Trop de tentatives. Réessayez dans une minute.',
  'error.rate_limited.minutes': 'Trop de tentatives. Réessayez dans {minutes} minutes.',
  'error.rate_limited.hours': 'Trop de tentatives. Réessayez dans {hours} heures.',
  'error.rate_limited.later': 'Trop de tentatives. Réessayez un peu plus tard.',
  'error.conflict': 'Un compte existe déjà avec cette adresse e-mail. Connectez-vous plutôt.',
  'error.validation_failed': 'Certains champs sont à corriger.',
  'error.unauthenticated': 'Votre session a expiré. Connectez-vous pour continuer.',
  'error.forbidden': 'Vous n’êtes pas autorisé à faire cela.',
  'error.not_found': 'Nous n’avons pas trouvé ce que vous cherchez.',
  'error.network': 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
  'error.unknown': 'Une erreur s’est produite de notre côté. Réessayez dans un instant.',

  'errorPage.title': 'Une erreur s’est produite',
  'errorPage.notFound.title': 'Page introuvable',
  'errorPage.notFound': 'Il n’y a pas de page à cette adresse. Le lien est peut-être mal saisi ou périmé.',
  'errorPage.back': 'Revenir en arrière',
  'errorPage.home': 'Retour à l’accueil',
  'errorPage.retry': 'Réessayer',

  'connection.live': 'En direct',
  'connection.connecting': 'Connexion…',
  'connection.reconnecting': 'Reconnexion…',
  'connection.offline': 'Hors ligne',
  'connection.live.hint': 'Les modifications de votre équipe s’affichent ici dès qu’elles ont lieu.',
  'connection.reconnecting.hint': 'La connexion en direct a été interrompue. Nouvelle tentative…',
  'connection.offline.hint': 'Vous êtes hors ligne. Les modifications s’afficheront dès votre retour en ligne.',

  'shell.nav': 'Navigation principale',
  'shell.workspaces': 'Espaces de travail',
  'shell.noWorkspaces': 'Aucun espace de travail',
  'shell.account': 'Compte',
  'shell.openAccountMenu': 'Menu du compte de {name}',
  'shell.signOut': 'Se déconnecter',
  'shell.signingOut': 'Déconnexion…',
  'shell.menu': 'Menu',
  'shell.menu.close': 'Fermer le menu',

  'home.title': 'Accueil',
  'home.welcome': 'Bienvenue, {name}',
  'home.intro': 'Voici les espaces de travail dont vous êtes membre, avec votre rôle dans chacun.',
  'home.workspaces': 'Vos espaces de travail',
  'home.subworkspace': 'Sous-espace',
  'home.roleLabel': 'Votre rôle',
  'home.empty.title': 'Vous n’êtes membre d’aucun espace de travail',
  'home.empty.body': 'Demandez à un administrateur d’un espace de travail d’inviter {email}. Dès que vous acceptez l’invitation, l’espace apparaît ici.',
  'home.empty.next': 'Ou créez votre propre espace de travail ci-dessous : vous en serez le propriétaire.',

  'role.super_admin': 'Super administrateur',
  'role.developer': 'Développeur',
  'role.creator': 'Créateur',
  'role.viewer': 'Lecteur',

  ...frWorkspaces,
  ...frInvitations,
  ...frAssets,
  ...frAudit,
  ...frAccount,
  ...frBilling,
  ...frSharing,
  ...frContent,
  ...frVideos,
};
