import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config.js';

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Which hops may tell the client's address and scheme (`TRUST_PROXY`): none,
 * the nearest n, or those at the listed addresses and subnets. Express reads
 * `req.ip` and `req.protocol` through the same function.
 */
export function compileTrustProxy(setting: Config['TRUST_PROXY']): TrustProxy {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/** The client's address as the trusted proxies report it (`TRUST_PROXY`), else the connection's. */
export const clientIp = (req: { ip?: string; socket: { remoteAddress?: string } }) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The scheme the client used: `X-Forwarded-Proto` counts only when the connection itself comes from a trusted proxy. */
export function schemeOf(req: IncomingMessage, trust: TrustProxy): 'http' | 'https' {
  const own = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (!trust(req.socket.remoteAddress ?? '', 0)) return own;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase();
  return forwarded === 'https' || forwarded === 'http' ? forwarded : own;
}
