import { expect } from 'vitest';
import { ApiClient, type Reply } from './client.js';

/** Turns API access of a workspace on or off as its admin (a root's Super Admin, or an admin above a sub-workspace). */
export async function setApiAccess(admin: ApiClient, workspaceId: string, on: boolean) {
  const res = await admin.request('PATCH', `/api/workspaces/${workspaceId}`, { settings: { apiAccess: on } });
  expect(res.status, `API access ${on ? 'on' : 'off'}: ${JSON.stringify(res.body)}`).toBe(200);
}

/** Makes a key through the console's API; returns the key and its secret (shown this once). */
export async function createApiKey(manager: ApiClient, workspaceId: string, name = 'Integration', extra: Record<string, unknown> = {}) {
  const res = await manager.post(`/api/workspaces/${workspaceId}/api-keys`, { name, ...extra });
  expect(res.status, `create key: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body as { key: { id: string; name: string; prefix: string }; secret: string };
}

/** A program calling the public API with an API key: no cookie, only `Authorization`. */
export class PublicApiClient {
  readonly http: ApiClient;
  constructor(
    baseUrl: string,
    private readonly secret: string,
  ) {
    this.http = new ApiClient(baseUrl);
  }
  call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return this.http.request<T>(method, `/api/v1${path}`, body, { authorization: `Bearer ${this.secret}`, ...headers });
  }
  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
}
