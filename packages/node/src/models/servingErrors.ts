/**
 * Errors of serving a model whose artifact is not available right now.
 */
import { ApiError } from '../errors.js';

/** Thrown (503, with Retry-After) while a model's artifact is being rebuilt. */
export class ModelRebuildingError extends ApiError {
  override name = 'ModelRebuildingError';
  constructor(name: string, reason: string) {
    super(503, 'MODEL_REBUILDING', `model "${name}" is being rebuilt and will answer again shortly`, [
      reason,
      'retry after a few seconds; GET /v1/models/catalog shows its state',
    ]);
    this.headers = { 'retry-after': '5' };
  }
}
