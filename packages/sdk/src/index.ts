export {
  type CreateTributaryClientParameters,
  createTributaryClient,
  type TributaryClient,
} from './client.js';
export { TributaryApiError } from './errors.js';
