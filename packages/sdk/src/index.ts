export {
  type CreateTributaryClientParameters,
  createTributaryClient,
  type TributaryClient,
} from './client.js';
export { NodeUnreachableError, TributaryApiError } from './errors.js';
