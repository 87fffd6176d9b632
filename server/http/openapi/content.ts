import { CreateItemSchema, ItemDetailViewSchema, ItemPageSchema, ItemViewSchema, ItemsQuerySchema, UpdateItemSchema } from '../../../shared/schemas/content.js';
import type { Area } from './operation.js';

export const content: Area = {
  tag: 'Content',
  description:
    'The content tree of a workspace: folders, drafts and videos. Each person sees what the access resolver gives them (ownership, role, grants on the item or a folder above, general access); an item they cannot see is 404, exactly like one that does not exist.',
  paths: {
    '/workspaces/{id}/items': {
      get: {
        operationId: 'listItems',
        summary: 'One folder’s content (top level without parentId), a name search (q), or what was shared with the caller (shared=me); only what the caller can see',
        query: ItemsQuerySchema,
        ok: 200,
        reply: ItemPageSchema,
      },
      post: {
        operationId: 'createItem',
        summary: 'Create a folder or a draft (needs content.create, and edit on the parent folder)',
        body: CreateItemSchema,
        ok: 201,
        reply: ItemViewSchema,
        errors: ['conflict'],
      },
    },
    '/workspaces/{id}/items/{itemId}': {
      get: { operationId: 'getItem', summary: 'The item with the folders above it, a draft’s script, a folder’s count of what it holds', ok: 200, reply: ItemDetailViewSchema },
      patch: {
        operationId: 'updateItem',
        summary: 'Rename, edit a draft’s script, or move (needs edit; a move also needs edit on both folders; cycles refused)',
        body: UpdateItemSchema,
        ok: 200,
        reply: ItemDetailViewSchema,
        errors: ['conflict'],
      },
      delete: { operationId: 'deleteItem', summary: 'Delete an item (a folder with everything inside it); needs edit', ok: 204 },
    },
  },
};
