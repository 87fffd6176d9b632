import { AccessRequestInputSchema, AccessRequestViewSchema, DecideAccessRequestSchema, PutSharingSchema, SharingViewSchema } from '../../../shared/schemas/content.js';
import type { Area } from './operation.js';

export const sharing: Area = {
  tag: 'Sharing',
  description:
    'Who has access to an item and why (owner, role, direct grant, a folder above, general access), its general access and direct grants, and requests for access. Changing sharing needs manage (the owner, Super Admins, those with edit — never a Viewer); nobody gives more than they have, and a Viewer is given view at most.',
  paths: {
    '/workspaces/{id}/items/{itemId}/sharing': {
      get: { operationId: 'getSharing', summary: 'The item’s general access, its grants (direct and from the folders above) and everyone who has access, with the reasons', ok: 200, reply: SharingViewSchema },
      put: {
        operationId: 'putSharing',
        summary: 'Set the general access and/or the full list of direct grants (needs manage); grantees must be people of the workspace, ends in the future',
        body: PutSharingSchema,
        ok: 200,
        reply: SharingViewSchema,
      },
    },
    '/workspaces/{id}/items/{itemId}/access-requests': {
      post: {
        operationId: 'requestAccess',
        summary: 'Ask for view or edit access to an item one cannot see (or sees less than needed); those who may manage it are notified. Asking again updates the pending request.',
        body: AccessRequestInputSchema,
        ok: 201,
        reply: AccessRequestViewSchema,
        errors: ['conflict', 'rate_limited'],
      },
    },
    '/workspaces/{id}/items/{itemId}/access-requests/{requestId}/approve': {
      post: {
        operationId: 'approveAccessRequest',
        summary: 'Approve an access request (needs manage): gives the role asked, or `role`; a Viewer gets view',
        body: DecideAccessRequestSchema,
        ok: 200,
        reply: AccessRequestViewSchema,
        errors: ['already_decided'],
      },
    },
    '/workspaces/{id}/items/{itemId}/access-requests/{requestId}/deny': {
      post: { operationId: 'denyAccessRequest', summary: 'Deny an access request (needs manage)', body: DecideAccessRequestSchema, ok: 200, reply: AccessRequestViewSchema, errors: ['already_decided'] },
    },
  },
};
