export {
  type CreateTributaryClientParameters,
  createTributaryClient,
  type TributaryClient,
} from './client.js';
export { TributaryApiError } from './errors.js';
export {
  createGovernanceActions,
  GovernanceError,
  type ProposeParameters,
  type SignedVote,
} from './governance.js';
export { type WalletAccountParameters, walletAccount } from './wallet.js';
