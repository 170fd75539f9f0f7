/**
 * API keys the node issued to this tab's wallets (sessionStorage: gone when the tab closes). A key
 * is a credential, not app state: the node can revoke it and the app then asks for a new one.
 */
import type { Address } from 'viem';

const slot = (address: Address) => `tributary:apiKey:${address.toLowerCase()}`;

export const storedApiKey = (address: Address): string | undefined =>
  sessionStorage.getItem(slot(address)) ?? undefined;

export const storeApiKey = (address: Address, key: string | undefined) => {
  if (key) sessionStorage.setItem(slot(address), key);
  else sessionStorage.removeItem(slot(address));
};
