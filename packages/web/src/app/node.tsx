/**
 * The node the app talks to (same origin by default) and its public facts: chain, RPC URL,
 * contract addresses. Everything the app shows comes from here or from the chain. The shell reads
 * the facts with a plain fetch, so the SDK loads with the first page that needs it, not before.
 */
import type { NodeInfo } from '@tributary/protocol';
import { createContext, useContext } from 'react';

/** The node's base URL: the page's own origin unless the build names another (that node must allow CORS). */
export const apiBase: string = import.meta.env.VITE_NODE_URL ?? window.location.origin;

/** GET /v1/info. */
export async function fetchNodeInfo(): Promise<NodeInfo> {
  const response = await fetch(`${apiBase}/v1/info`);
  if (!response.ok) throw new Error(`GET /v1/info answered ${response.status}`);
  return (await response.json()) as NodeInfo;
}

export const NodeContext = createContext<NodeInfo | null>(null);

/** The node's facts; only inside the app shell, after they loaded. */
export function useNode(): NodeInfo {
  const info = useContext(NodeContext);
  if (!info) throw new Error('useNode outside the app shell');
  return info;
}
