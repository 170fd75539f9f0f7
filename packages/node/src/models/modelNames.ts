/**
 * How a request's `model` names a served model, unambiguously:
 *
 * 1. `<id>` or `model-<id>` (decimal, any case) always means the model with that on-chain id, and
 *    nothing else: names of that shape are reserved, so no model can take them.
 * 2. Anything else is a name: the model.json name of a served model. If several of this node's
 *    models carry it, the first registered (lowest id) that the node does not refuse holds it;
 *    the others answer to `model-<id>` only. A build may not take a name another developer's
 *    model holds.
 */
import { badRequest, conflict } from '../errors.js';

const ID_SHAPED = /^(?:model-)?(\d+)$/i;

/** The model id a requested name means, or null when it is a name. */
export function idOf(requested: string): string | null {
  const match = ID_SHAPED.exec(requested);
  return match ? BigInt(match[1]!).toString() : null;
}

/** Whether a model name would be read as an id (such names are reserved). */
export const isIdShaped = (name: string): boolean => idOf(name) !== null;

/** The name a served model answers to: its own if it holds it, else `model-<id>`. */
export function callName(model: { id: string; configName: string }, holder: string | undefined): string {
  return !isIdShaped(model.configName) && holder === model.id ? model.configName : `model-${model.id}`;
}

/**
 * For each name, the id of the model holding it (the lowest id among those carrying it).
 * @example
 * nameHolders([{ id: '2', configName: 'a' }, { id: '1', configName: 'a' }]).get('a') // '1'
 */
export function nameHolders(models: readonly { id: string; configName: string }[]): Map<string, string> {
  const holders = new Map<string, string>();
  for (const m of models) {
    if (isIdShaped(m.configName)) continue;
    const held = holders.get(m.configName);
    if (held === undefined || BigInt(m.id) < BigInt(held)) holders.set(m.configName, m.id);
  }
  return holders;
}

/**
 * Throws unless `name` may be given to a new build of `developer`: not id-shaped (400), and not
 * a name another developer's model on this node holds (409).
 */
export function checkBuildName(
  name: string,
  developer: string,
  served: readonly { configName: string; developer: string }[],
): void {
  if (isIdShaped(name)) {
    throw badRequest(`model name "${name}" is reserved: it reads as a model id`, [
      'names of the form <digits> or model-<digits> always mean the model with that id',
      'choose a name with a letter outside the "model-" prefix, e.g. "rivers-1"',
    ]);
  }
  const taken = served.find(
    (m) => m.configName === name && m.developer.toLowerCase() !== developer.toLowerCase(),
  );
  if (taken) {
    throw conflict('NAME_TAKEN', `model name "${name}" is held by another developer's model on this node`, [
      'choose another name',
    ]);
  }
}
