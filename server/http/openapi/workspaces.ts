import {
  AddMemberSchema,
  AddSeatsSchema,
  AuditQuerySchema,
  CreateSubworkspaceSchema,
  CreateWorkspaceSchema,
  ListQuerySchema,
  MembersQuerySchema,
  TransferOwnershipSchema,
  UpdateMemberSchema,
  UpdateWorkspaceSchema,
} from '../../../shared/schemas/workspaces.js';
import type { Area } from './operation.js';

export const workspaces: Area = {
  tag: 'Workspaces',
  description: 'Account (root) workspaces and sub-workspaces, their seats, members, ownership and audit log.',
  paths: {
    '/workspaces': {
      get: { operationId: 'listWorkspaces', summary: 'The workspaces the caller belongs to (switcher tree)', ok: 200 },
      post: { operationId: 'createWorkspace', summary: 'Create an account (root) workspace', body: CreateWorkspaceSchema, ok: 201 },
    },
    '/workspaces/{id}': {
      get: { operationId: 'getWorkspace', summary: 'A workspace, with the caller’s role and its seat pool', ok: 200 },
      patch: { operationId: 'updateWorkspace', summary: 'Rename or change settings (Super Admin)', body: UpdateWorkspaceSchema, ok: 200, errors: ['forbidden', 'conflict'] },
      delete: { operationId: 'deleteWorkspace', summary: 'Delete a sub-workspace (admin above it or owner) or a root (owner)', ok: 204, errors: ['forbidden'] },
    },
    '/workspaces/{id}/image': {
      get: { operationId: 'getWorkspaceImage', summary: 'The workspace image', ok: 200, reply: 'image' },
      post: { operationId: 'uploadWorkspaceImage', summary: 'Upload the workspace image (PNG, JPEG or WebP, ≤ 2 MB)', multipart: 'image', ok: 200, errors: ['forbidden'] },
    },
    '/workspaces/{id}/subworkspaces': {
      get: { operationId: 'listSubworkspaces', summary: 'Sub-workspaces, oldest first, paginated (Super Admin)', query: ListQuerySchema, ok: 200, errors: ['forbidden'] },
      post: { operationId: 'createSubworkspace', summary: 'Create a sub-workspace (Super Admin)', body: CreateSubworkspaceSchema, ok: 201, errors: ['forbidden', 'conflict'] },
    },
    '/workspaces/{id}/seats': {
      post: { operationId: 'addSeats', summary: 'Add seats to the pool (simulated purchase)', body: AddSeatsSchema, ok: 200, errors: ['forbidden', 'conflict'] },
    },
    '/workspaces/{id}/members': {
      get: { operationId: 'listMembers', summary: 'Members, paginated and searchable', query: MembersQuerySchema, ok: 200 },
      post: {
        operationId: 'addMember',
        summary: 'Add someone of the account tree at once ({ member }), or invite anyone else ({ invitation }) (Super Admin)',
        body: AddMemberSchema,
        ok: 201,
        errors: ['forbidden', 'already_member', 'seat_limit_reached', 'conflict', 'rate_limited'],
      },
    },
    '/workspaces/{id}/members/{userId}': {
      get: { operationId: 'getMember', summary: 'One member', ok: 200 },
      patch: { operationId: 'updateMember', summary: 'Change a role (Super Admin)', body: UpdateMemberSchema, ok: 200, errors: ['forbidden', 'conflict'] },
      delete: { operationId: 'removeMember', summary: 'Remove a member (Super Admin), or leave when it is oneself', ok: 204, errors: ['forbidden', 'conflict'] },
    },
    '/workspaces/{id}/leave': { post: { operationId: 'leaveWorkspace', summary: 'Leave the workspace', ok: 204, errors: ['conflict'] } },
    '/workspaces/{id}/transfer-ownership': {
      post: { operationId: 'transferOwnership', summary: 'Hand ownership to another member (owner)', body: TransferOwnershipSchema, ok: 200, errors: ['forbidden', 'conflict'] },
    },
    '/workspaces/{id}/audit': {
      get: { operationId: 'listAuditEntries', summary: 'Audit log, newest first (Super Admin)', query: AuditQuerySchema, ok: 200, errors: ['forbidden'] },
    },
    '/workspaces/{id}/audit.csv': {
      get: { operationId: 'exportAuditCsv', summary: 'Audit log as CSV (Super Admin)', query: AuditQuerySchema, ok: 200, reply: 'csv', errors: ['forbidden'] },
    },
  },
};
